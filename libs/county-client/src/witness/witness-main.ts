// The witness run on its own, for a daemon under a process manager:
//   node -r @swc-node/register libs/county-client/src/witness/witness-main.ts [--client county-songling] [--every 30]
// It is `npm run county -- witness …` by another name, so both resolve one state file from one
// place (a county witness key never signs two forks from two files) and exit with the same codes.
import { runAsProcess } from '../cli';

runAsProcess(['witness', ...process.argv.slice(2)]);
