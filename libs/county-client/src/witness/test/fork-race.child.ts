// One of two witness processes racing on the same state files (witness-state-file.int.spec.ts):
// `node -r @swc-node/register fork-race.child.ts <dir> <tag> <rounds> <startAt> <stepMs>`. In
// round r it offers its own fork of size 8 to `<dir>/<r>.json` at `startAt + r * stepMs` and
// prints one JSON line per round.
import { developmentWitnessSigner } from '@vanguard/transparency-log';
import path from 'node:path';
import { CheckpointWitness } from '../checkpoint-witness';
import { WitnessStateFile } from '../witness-state-file';
import { forkedLog, logKey, ORIGIN } from './forked-logs';

const [dir, tag, rounds, startAt, stepMs] = process.argv.slice(2);
const log = forkedLog(tag!);

async function main(): Promise<void> {
  for (let round = 0; round < Number(rounds); round++) {
    const witness = new CheckpointWitness({
      logKey: logKey.verifier,
      origin: ORIGIN,
      signer: developmentWitnessSigner('county-songling'),
      state: new WitnessStateFile(path.join(dir!, `${round}.json`), ORIGIN),
    });
    const at = Number(startAt) + round * Number(stepMs);
    while (Date.now() < at); // both processes start the round in the same millisecond
    const answer = await witness.addCheckpoint({ oldSize: 4, proof: log.proof(4, 8), checkpoint: log.checkpoint(8) });
    process.stdout.write(
      `${JSON.stringify({ round, tag, outcome: answer.outcome, code: answer.outcome === 'refused' ? answer.code : undefined })}\n`,
    );
  }
}

void main();
