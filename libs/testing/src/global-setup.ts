// Integration and end-to-end suites need the real parts. `npm test` brings them up
// before Jest starts; this makes a bare `npx jest --selectProjects integration` work too.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function globalSetup(): void {
  const root = path.resolve(__dirname, '../../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/infra.mjs'), 'up'], { stdio: 'inherit' });
}
