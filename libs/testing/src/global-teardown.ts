import type { StartedInfra } from './containers';

declare global {
  var __VANGUARD_CONTAINERS__: StartedInfra | undefined;
}

/** Containers die with the run; native processes stay up for the next one (scripts/test.mjs decides). */
export default async function globalTeardown(): Promise<void> {
  // Both the integration and the e2e project name this file: the containers are stopped once.
  const containers = globalThis.__VANGUARD_CONTAINERS__;
  globalThis.__VANGUARD_CONTAINERS__ = undefined;
  await containers?.stop();
}
