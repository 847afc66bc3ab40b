// One of several county processes numbering messages in one state directory at once
// (county-state.unit.spec.ts): `node -r @swc-node/register allocate.child.ts <dir> <times> <startAt>`
// allocates one sequence of `roster-member-m1` `times` times and prints them, one a line.
import { CountyStateFile } from '../county-state';

const [dir, times, startAt] = process.argv.slice(2);

async function main(): Promise<void> {
  const state = new CountyStateFile(dir!);
  while (Date.now() < Number(startAt)); // all processes start in the same millisecond
  for (let i = 0; i < Number(times); i++) process.stdout.write(`${(await state.allocate(['roster-member-m1']))[0]}\n`);
}

void main();
