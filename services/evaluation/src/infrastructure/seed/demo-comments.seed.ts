import type { DemoSeed } from './demo-support';

/** The comments slice's demo data; nothing until the slice lands. Idempotent. */
export const seedDemoComments: DemoSeed = () => Promise.resolve({ slice: 'comments', created: false, events: 0 });
