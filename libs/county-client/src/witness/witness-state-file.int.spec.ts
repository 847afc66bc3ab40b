import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { developmentWitnessSigner } from '@vanguard/transparency-log';
import { CheckpointWitness, type WitnessAnswer } from './checkpoint-witness';
import { startOf } from '../exclusive-lock';
import { WitnessStateFile } from './witness-state-file';
import { forkedLog, logKey, ORIGIN } from './test/forked-logs';

const ROOT = path.resolve(__dirname, '../../../..');
const run = promisify(execFile);
const a = forkedLog('a');
const b = forkedLog('b');

function witnessOn(file: string): CheckpointWitness {
  return new CheckpointWitness({
    logKey: logKey.verifier,
    origin: ORIGIN,
    signer: developmentWitnessSigner('county-songling'),
    state: new WitnessStateFile(file, ORIGIN, 1_000),
  });
}

/** A state file holding the log's common tree of 4. */
async function seeded(dir: string, name = 'state.json'): Promise<string> {
  const file = path.join(dir, name);
  await witnessOn(file).addCheckpoint({ oldSize: 0, proof: [], checkpoint: a.checkpoint(4) });
  return file;
}

const outcomeOf = (answer: WitnessAnswer) => (answer.outcome === 'refused' ? answer.code : answer.outcome);

describe(WitnessStateFile.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'witness-lock-'))));

  it('addCheckpoint_TwoProcessesOfferingTwoForksOnOneStateFile_OneCosignsAndTheOtherIsRefusedAForkEveryRound', async () => {
    const rounds = 20;
    for (let r = 0; r < rounds; r++) await seeded(dir, `${r}.json`);
    const startAt = Date.now() + 4_000; // after both processes have started
    const child = (tag: string) =>
      run(
        process.execPath,
        ['-r', '@swc-node/register', path.join(__dirname, 'test/fork-race.child.ts'), dir, tag, `${rounds}`, `${startAt}`, '100'],
        {
          cwd: ROOT,
        },
      );
    const outputs = await Promise.all([child('a'), child('b')]);
    const answers = outputs.flatMap((o) =>
      o.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { round: number; outcome: string; code?: string }),
    );
    for (let r = 0; r < rounds; r++)
      expect(
        answers
          .filter((x) => x.round === r)
          .map((x) => x.code ?? x.outcome)
          .sort(),
      ).toEqual(['WITNESS.FORK', 'cosigned']);
  }, 60_000);

  it('addCheckpoint_TwoInstancesInOneProcessOnOneStateFile_OneCosignsAndTheOtherIsRefusedAFork', async () => {
    for (let r = 0; r < 20; r++) {
      const file = await seeded(dir, `${r}.json`);
      const answers = await Promise.all([
        witnessOn(file).addCheckpoint({ oldSize: 4, proof: a.proof(4, 8), checkpoint: a.checkpoint(8) }),
        witnessOn(file).addCheckpoint({ oldSize: 4, proof: b.proof(4, 8), checkpoint: b.checkpoint(8) }),
      ]);
      expect(answers.map(outcomeOf).sort()).toEqual(['WITNESS.FORK', 'cosigned']);
    }
  });

  it('exclusive_ALockLeftByADeadProcess_IsRemovedAndTheWitnessGoesOn', async () => {
    const file = await seeded(dir);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${file}.lock`, `${hostname()} ${dead} 0123456789abcdef\n`);
    const answer = await witnessOn(file).addCheckpoint({ oldSize: 4, proof: a.proof(4, 8), checkpoint: a.checkpoint(8) });
    expect(outcomeOf(answer)).toBe('cosigned');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('exclusive_ALockOfAPidAliveAgainUnderAnotherProcess_IsRemoved (a restarted container’s witness is PID 1 again)', async () => {
    const file = await seeded(dir);
    // The parent lives, but did not start when the lock says its holder did: the pid was reused.
    writeFileSync(`${file}.lock`, `${hostname()} ${process.ppid} 0123456789abcdef ${startOf(process.ppid)!.replace(/\d+$/, '1')}\n`);
    const answer = await witnessOn(file).addCheckpoint({ oldSize: 4, proof: a.proof(4, 8), checkpoint: a.checkpoint(8) });
    expect(outcomeOf(answer)).toBe('cosigned');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('exclusive_ALockHeldByALiveProcessThatStartedWhenItSays_IsWaitedForThenNamed_NeverTaken', async () => {
    const file = await seeded(dir);
    writeFileSync(`${file}.lock`, `${hostname()} ${process.ppid} 0123456789abcdef ${startOf(process.ppid)}\n`);
    await expect(witnessOn(file).addCheckpoint({ oldSize: 4, proof: a.proof(4, 8), checkpoint: a.checkpoint(8) })).rejects.toThrow(
      new RegExp(`state.json.lock is held by ${hostname()} ${process.ppid}`),
    );
  });

  it('exclusive_ALockHeldByALiveProcess_IsWaitedForThenNamed_NeverTaken', async () => {
    const file = await seeded(dir);
    writeFileSync(`${file}.lock`, `${hostname()} ${process.ppid} 0123456789abcdef\n`);
    await expect(witnessOn(file).addCheckpoint({ oldSize: 4, proof: a.proof(4, 8), checkpoint: a.checkpoint(8) })).rejects.toThrow(
      new RegExp(`state.json.lock is held by ${hostname()} ${process.ppid}`),
    );
    expect(await new WitnessStateFile(file).load()).toMatchObject({ size: 4 });
  });

  it('exclusive_ARemoverThatDiedMidway_StopsTheWitnessNamingTheFiles', async () => {
    const file = await seeded(dir);
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(`${file}.lock`, `${hostname()} ${dead} 0123456789abcdef\n`);
    writeFileSync(`${file}.lock.break`, `${hostname()} ${dead}\n`);
    await expect(witnessOn(file).addCheckpoint({ oldSize: 4, proof: a.proof(4, 8), checkpoint: a.checkpoint(8) })).rejects.toThrow(
      /lock\.break was left by a witness that died removing a stale lock/,
    );
  });

  it('load_AStateFileOfAnotherLog_IsRefusedNamingBothLogs', async () => {
    const file = await seeded(dir);
    await expect(new WitnessStateFile(file, 'vanguard.example/commendation').load()).rejects.toThrow(
      /of the log vanguard\.example\/evaluation, not of vanguard\.example\/commendation/,
    );
  });
});
