import { publicContracts } from '@vanguard/contracts';
import { developmentLogSigner, signCheckpoint } from '@vanguard/transparency-log';
import { checkpointEventId, checkpointSignedEvent, checkpointWitnessedEvent } from './checkpoint-events';

const ORIGIN = 'vanguard.example/evaluation';
const root = Buffer.alloc(32, 5);
const row = {
  context: 'evaluation' as const,
  store: 'evaluation',
  size: 42,
  root: root.toString('base64'),
  note: signCheckpoint({ origin: ORIGIN, size: 42, root }, developmentLogSigner(ORIGIN)),
  publishedAt: new Date('2026-11-30T08:00:00.123456Z'),
};

describe('checkpoint events', () => {
  it('checkpointSignedEvent_FitsItsContract_AndIsMadeOfTheRowAlone', () => {
    const sut = checkpointSignedEvent(row);
    expect(publicContracts.validate(sut)).toMatchObject({ ok: true });
    expect(sut).toMatchObject({
      streamId: 'checkpoint-evaluation',
      streamVersion: 42,
      occurredAt: '2026-11-30T08:00:00.123Z',
      data: { log: 'evaluation', origin: ORIGIN, treeSize: 42, rootHash: row.root, note: row.note },
    });
    // Built again later (the start-up sweep, another replica): the same bytes, so a republication is identical.
    expect(JSON.stringify(checkpointSignedEvent({ ...row, publishedAt: new Date(row.publishedAt) }))).toBe(JSON.stringify(sut));
  });

  it('checkpointEventId_IsOnePerLogSizeAndKind', () => {
    const sut = checkpointEventId;
    expect(sut('signed', 'evaluation', 42)).toBe(sut('signed', 'evaluation', 42));
    const ids = [
      sut('signed', 'evaluation', 42),
      sut('signed', 'evaluation', 43),
      sut('signed', 'commendation', 42),
      sut('witnessed', 'evaluation', 42),
    ];
    expect(new Set(ids).size).toBe(4);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('checkpointWitnessedEvent_FitsItsContract_AndFollowsItsSignedEvent', () => {
    const sut = checkpointWitnessedEvent(row, {
      note: `${row.note}— witness.vanguard.localhost/county-hekou AAAA\n`,
      cosignedBy: ['witness.vanguard.localhost/county-hekou'],
      quorum: 1,
      at: new Date('2026-11-30T09:00:00Z'),
    });
    expect(publicContracts.validate(sut)).toMatchObject({ ok: true });
    expect(sut.causationId).toBe(checkpointSignedEvent(row).eventId);
    expect(sut.eventId).not.toBe(checkpointSignedEvent(row).eventId);
  });
});
