import type { StartedInfra } from './containers';

declare global {
  var __VANGUARD_CONTAINERS__: StartedInfra | undefined;
}

/** Containers die with the run; native processes stay up for the next one (scripts/test.mjs decides). */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__VANGUARD_CONTAINERS__?.stop();
}
