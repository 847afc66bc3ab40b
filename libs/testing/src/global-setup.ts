// Integration and end-to-end suites need the real parts and a migrated test database.
// `npm test` brings the parts up before Jest starts; this also makes a bare
// `npx jest --selectProjects integration` work. Both steps are idempotent and quick when done.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function globalSetup(): void {
  const root = path.resolve(__dirname, '../../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/infra.mjs'), 'up'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['-r', '@swc-node/register', path.join(root, 'scripts/migrate.ts'), '--database', 'test'], { stdio: 'inherit', cwd: root });
}
