// A tiny entry until the county CLI wires `npm run county -- witness` to witnessCommand:
//   node -r @swc-node/register libs/county-client/src/witness/witness-main.ts --client county-songling --every 30
import { witnessCommand } from './run-witness';

witnessCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`[witness] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
