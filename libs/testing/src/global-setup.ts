// Integration and end-to-end suites need the real parts and a migrated test database.
// Native (default): scripts/infra.mjs runs them as local processes, shared by every suite.
// VANGUARD_INFRA=containers: testcontainers starts them on a Docker engine instead
// (./containers.ts); `infra.mjs up` then only checks them (they are named by DATABASE_URL,
// KAFKA_BROKERS, KAFKA_SASL_BROKERS and KEYCLOAK_URL), creates the test database and grants
// the counties' Kafka ACLs. Both steps are idempotent and quick when already done.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startContainers, type StartedInfra } from './containers';

declare global {
  var __VANGUARD_CONTAINERS__: StartedInfra | undefined;
  var __VANGUARD_SETUP_DONE__: boolean | undefined;
}

export default async function globalSetup(): Promise<void> {
  // Both the integration and the e2e project name this file; one setup serves them.
  if (globalThis.__VANGUARD_SETUP_DONE__) return;
  globalThis.__VANGUARD_SETUP_DONE__ = true;
  const root = path.resolve(__dirname, '../../..');
  if (process.env['VANGUARD_INFRA'] === 'containers') {
    const started = await startContainers(root);
    Object.assign(process.env, started.env);
    globalThis.__VANGUARD_CONTAINERS__ = started;
  }
  try {
    execFileSync(process.execPath, [path.join(root, 'scripts/infra.mjs'), 'up'], { stdio: 'inherit', env: process.env });
    // npm test migrates once before it starts its Jest runs side by side (they would race creating roles).
    if (process.env['VANGUARD_TEST_DATABASE_MIGRATED'] === '1') return;
    execFileSync(process.execPath, ['-r', '@swc-node/register', path.join(root, 'scripts/migrate.ts'), '--database', 'test'], {
      stdio: 'inherit',
      cwd: root,
      env: process.env,
    });
  } catch (e) {
    // Jest runs no global teardown after a failed setup: containers started above stop here.
    const containers = globalThis.__VANGUARD_CONTAINERS__;
    globalThis.__VANGUARD_CONTAINERS__ = undefined;
    await containers?.stop();
    throw e;
  }
}
