import type { DemoSeed } from './demo-support';

/** The assessments slice's demo data; nothing until the slice lands. Idempotent. */
export const seedDemoAssessments: DemoSeed = () => Promise.resolve({ slice: 'assessments', created: false, events: 0 });
