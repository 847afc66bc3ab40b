import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventEnvelope } from '@vanguard/contracts';
import { CountyStateFile, allocateSequences } from './county-state';

const envelope = (eventId: string, streamId: string, streamVersion: number) =>
  ({ eventId, streamId, streamVersion, type: 'county.DeedRecorded' }) as unknown as EventEnvelope;

describe(allocateSequences.name, () => {
  it('gives each subject the next of its own sequence, several messages of one subject in order', () => {
    const sut = allocateSequences({ subjects: { 'deed-a': 4 } }, ['deed-a', 'deed-b', 'deed-a']);

    expect(sut.sequences).toEqual([5, 1, 6]);
    expect(sut.next.subjects).toEqual({ 'deed-a': 6, 'deed-b': 1 });
  });
});

describe(CountyStateFile.name, () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'county-state-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the sequences across runs, so a restarted county never reuses one', () => {
    new CountyStateFile(dir).allocate(['deed-a', 'deed-a']);

    const sut = new CountyStateFile(dir);

    expect(sut.lastSequence('deed-a')).toBe(2);
    expect(sut.allocate(['deed-a'])).toEqual([3]);
  });

  it('finds a sent message by its id exactly as it was sent, across runs; an unknown id is undefined', () => {
    new CountyStateFile(dir).recordSent([envelope('m-1', 'deed-a', 1), envelope('m-2', 'deed-a', 2)]);

    const sut = new CountyStateFile(dir);

    expect(sut.findSent('m-2')).toEqual(envelope('m-2', 'deed-a', 2));
    expect(sut.findSent('m-3')).toBeUndefined();
  });

  it('writes documents whole (no temporary file left behind)', () => {
    const sut = new CountyStateFile(dir);

    sut.writeDocument('organizations', { a: true });

    expect(sut.readDocument('organizations')).toEqual({ a: true });
    expect(fs.readdirSync(dir)).toEqual(['organizations.json']);
  });
});
