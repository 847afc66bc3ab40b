import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { EventEnvelope } from '@vanguard/contracts';
import { CountyStateFile, allocateSequences } from './county-state';
import { UsageError } from './county-drafts';
import { WitnessStateFile } from './witness/witness-state-file';

const ROOT = path.resolve(__dirname, '../../..');
const run = promisify(execFile);

// A county member id as a county may write it, and as the gate reads it (ADR 0105).
const MEMBER = 'C0FFEE00-1A2B-4C3D-8E4F-0A1B2C3D4E5F';
const member = MEMBER.toLowerCase();

const envelope = (eventId: string, streamId: string, streamVersion: number) =>
  ({ eventId, streamId, streamVersion, type: 'county.DeedRecorded' }) as unknown as EventEnvelope;

describe(allocateSequences.name, () => {
  it('gives each subject the next of its own sequence, several messages of one subject in order', () => {
    const sut = allocateSequences({ subjects: { 'deed-a': 4 } }, ['deed-a', 'deed-b', 'deed-a']);

    expect(sut.sequences).toEqual([5, 1, 6]);
    expect(sut.next.subjects).toEqual({ 'deed-a': 6, 'deed-b': 1 });
  });

  it('WhenAMembersIdIsWrittenInEitherCase_NumbersOneSubject_AsTheGateReadsIt', () => {
    const sut = allocateSequences({ subjects: {} }, [`roster-member-${MEMBER}`, `roster-member-${member}`]);

    expect(sut.sequences).toEqual([1, 2]);
    expect(sut.next.subjects).toEqual({ [`roster-member-${member}`]: 2 });
  });
});

describe(CountyStateFile.name, () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'county-state-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the sequences across runs, so a restarted county never reuses one', async () => {
    await new CountyStateFile(dir).allocate(['deed-a', 'deed-a']);

    const sut = new CountyStateFile(dir);

    expect(sut.lastSequence('deed-a')).toBe(2);
    expect(await sut.allocate(['deed-a'])).toEqual([3]);
  });

  it('finds a sent message by its id exactly as it was sent, across runs; an unknown id is undefined', async () => {
    await new CountyStateFile(dir).recordSent([envelope('m-1', 'deed-a', 1), envelope('m-2', 'deed-a', 2)]);

    const sut = new CountyStateFile(dir);

    expect(await sut.findSent('m-2')).toEqual(envelope('m-2', 'deed-a', 2));
    expect(await sut.findSent('m-3')).toBeUndefined();
  });

  it('writes documents whole (no temporary file left behind)', () => {
    const sut = new CountyStateFile(dir);

    sut.writeDocument('organizations', { a: true });

    expect(sut.readDocument('organizations')).toEqual({ a: true });
    expect(fs.readdirSync(dir)).toEqual(['organizations.json']);
  });

  it('findSent_AfterATornLastLineAndAnotherAppend_FindsTheMessagesBeforeAndAfterAndWarnsOfTheTornOne', async () => {
    const warnings: string[] = [];
    const sut = new CountyStateFile(dir, (l) => warnings.push(l));
    await sut.recordSent([envelope('a-1', 'deed-a', 1)]);
    const torn = `${JSON.stringify(envelope('b-1', 'deed-a', 2))}\n${JSON.stringify(envelope('b-2', 'deed-a', 3))}`;
    fs.appendFileSync(path.join(dir, 'sent.jsonl'), torn.slice(0, -20)); // a crash mid-append

    await sut.recordSent([envelope('c-1', 'deed-a', 4)]);

    expect(await sut.findSent('a-1')).toEqual(envelope('a-1', 'deed-a', 1));
    expect(await sut.findSent('c-1')).toEqual(envelope('c-1', 'deed-a', 4));
    expect(await sut.findSent('b-2')).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/sent\.jsonl 第 3 行已损坏/)]);
  });

  it('allocate_TwoInstancesOpenedBeforeEitherNumbers_NeverGiveOneSequenceTwice', async () => {
    const first = new CountyStateFile(dir);
    const second = new CountyStateFile(dir);

    const got = [
      await first.allocate(['m']),
      await second.allocate(['m']),
      ...(await Promise.all([first.allocate(['m']), second.allocate(['m'])])),
    ];

    expect(got.flat().sort()).toEqual([1, 2, 3, 4]);
    expect(new CountyStateFile(dir).lastSequence('m')).toBe(4);
  });

  it('allocate_ThreeProcessesAtOnce_EachSequenceGivenOnceAndTheFileHoldsTheLast', async () => {
    const times = 15;
    const startAt = Date.now() + 4_000; // after all three have started
    const child = () =>
      run(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'test/allocate.child.ts'), dir, `${times}`, `${startAt}`], {
        cwd: ROOT,
      });

    const outputs = await Promise.all([child(), child(), child()]);

    const sequences = outputs.flatMap((o) => o.stdout.trim().split('\n').map(Number));
    expect(sequences.sort((x, y) => x - y)).toEqual(Array.from({ length: 3 * times }, (_, i) => i + 1));
    expect(new CountyStateFile(dir).lastSequence('roster-member-m1')).toBe(3 * times);
  }, 60_000);

  it('allocate_AfterSubjectsNumberedUnderAnUpperCaseSpelling_ContinuesFromTheHighestOfEitherSpelling', async () => {
    // What a client that numbered ids as written left: the member under both spellings.
    const file = path.join(dir, 'sequences.json');
    fs.writeFileSync(file, JSON.stringify({ subjects: { [`roster-member-${MEMBER}`]: 3, [`roster-member-${member}`]: 1, 'deed-a': 2 } }));
    const sut = new CountyStateFile(dir);

    expect(sut.lastSequence(`roster-member-${member}`)).toBe(3);
    expect(await sut.allocate([`roster-member-${member}`])).toEqual([4]);
    expect(await sut.allocate([`roster-member-${MEMBER}`])).toEqual([5]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ subjects: { [`roster-member-${member}`]: 5, 'deed-a': 2 } });
  });

  it('allocate_ATruncatedSequencesFile_IsAUsageErrorNamingTheFile', async () => {
    fs.writeFileSync(path.join(dir, 'sequences.json'), '{"subjects":{"m":');
    const sut = new CountyStateFile(dir);

    await expect(sut.allocate(['m'])).rejects.toThrow(UsageError);
    await expect(sut.allocate(['m'])).rejects.toThrow(path.join(dir, 'sequences.json'));
  });

  describe('durability', () => {
    /** Whether each fsync was of a directory, in order. */
    function fsyncs(): { kinds: string[]; restore(): void } {
      const kinds: string[] = [];
      const original = fs.fsyncSync;
      const spy = jest.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
        kinds.push(fs.fstatSync(fd).isDirectory() ? 'dir' : 'file');
        original(fd);
      });
      return { kinds, restore: () => spy.mockRestore() };
    }

    it('writeDocument_SyncsTheFileThenItsDirectory', () => {
      const probe = fsyncs();
      try {
        new CountyStateFile(dir).writeDocument('organizations', { a: true });
      } finally {
        probe.restore();
      }
      expect(probe.kinds).toEqual(['file', 'dir']);
    });

    it('WitnessStateFile_save_SyncsTheDirectoryAfterTheRename', async () => {
      const probe = fsyncs();
      try {
        await new WitnessStateFile(path.join(dir, 'w', 'state.json')).save({ origin: 'o', size: 1, root: 'r', checkpoint: 'c' });
      } finally {
        probe.restore();
      }
      expect(probe.kinds).toContain('dir');
    });
  });
});
