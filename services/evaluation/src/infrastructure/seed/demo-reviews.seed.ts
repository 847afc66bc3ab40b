import type { DemoSeed } from './demo-support';

/** The reviews slice's demo data; nothing until the slice lands. Idempotent. */
export const seedDemoReviews: DemoSeed = () => Promise.resolve({ slice: 'reviews', created: false, events: 0 });
