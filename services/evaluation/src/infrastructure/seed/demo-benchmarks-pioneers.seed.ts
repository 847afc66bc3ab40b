import type { DemoSeed } from './demo-support';

/** The benchmarks-pioneers slice's demo data; nothing until the slice lands. Idempotent. */
export const seedDemoBenchmarksPioneers: DemoSeed = () => Promise.resolve({ slice: 'benchmarks-pioneers', created: false, events: 0 });
