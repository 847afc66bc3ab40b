// npm's postinstall: patches/ applied to what npm installed, the install failing if one does not
// apply (patch-package alone exits 0 outside CI), then recorded for scripts/lib.mjs.
import { must, recordPatchesApplied } from './lib.mjs';

must('npx', ['--no-install', 'patch-package', '--error-on-fail'], 'patch-package');
recordPatchesApplied();
