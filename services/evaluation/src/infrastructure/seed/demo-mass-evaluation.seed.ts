import type { DemoSeed } from './demo-support';

/** The mass-evaluation slice's demo data; nothing until the slice lands. Idempotent. */
export const seedDemoMassEvaluation: DemoSeed = () => Promise.resolve({ slice: 'mass-evaluation', created: false, events: 0 });
