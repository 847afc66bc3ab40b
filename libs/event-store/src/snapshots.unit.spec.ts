import { randomBytes } from 'node:crypto';
import { openState, sealState, snapshotDue, snapshotUsable } from './snapshots';

describe(snapshotUsable.name, () => {
  const snap = { streamVersion: 10, maxRecordedAt: '2024-03-01T00:00:00.000Z', state: {} };

  it('stands in for a fold up to its version or later', () => {
    expect(snapshotUsable(snap, 10, null)).toBe(true);
    expect(snapshotUsable(snap, 11, null)).toBe(true);
    expect(snapshotUsable(snap, 9, null)).toBe(false);
  });

  it('is not used as of an instant before its newest event', () => {
    expect(snapshotUsable(snap, Number.MAX_SAFE_INTEGER, '2024-03-01T00:00:00.000Z')).toBe(true);
    expect(snapshotUsable(snap, Number.MAX_SAFE_INTEGER, '2024-02-29T23:59:59.999Z')).toBe(false);
  });
});

describe(snapshotDue.name, () => {
  it('is due once `every` events were folded on top of the last snapshot', () => {
    expect(snapshotDue(5, 10, 14)).toBe(false);
    expect(snapshotDue(5, 10, 15)).toBe(true);
    expect(snapshotDue(0, 0, 100)).toBe(false);
  });
});

describe(sealState.name, () => {
  const keys = new Map([
    ['a', { keyId: 'ka', key: randomBytes(32) }],
    ['b', { keyId: 'kb', key: randomBytes(32) }],
  ]);
  const state = { names: ['张三', '李四'] };

  it('hides the state and opens only with every subject key, at the same place', () => {
    const sealed = sealState(state, ['a', 'b'], keys, 'stream|fold|3');
    expect(JSON.stringify(sealed)).not.toContain('张三');
    expect(openState(sealed, ['a', 'b'], keys, 'stream|fold|3')).toEqual(state);
    // Sealed for another place: a miss (the caller folds from events and drops the row), not an error.
    expect(openState(sealed, ['a', 'b'], keys, 'other|fold|3')).toBeUndefined();
  });

  it('does not open once any one subject is forgotten or re-keyed', () => {
    const sealed = sealState(state, ['a', 'b'], keys, 'x');
    expect(openState(sealed, ['a', 'b'], new Map([...keys, ['b', null]]), 'x')).toBeUndefined();
    expect(openState(sealed, ['a', 'b'], new Map([...keys, ['b', { keyId: 'kb2', key: randomBytes(32) }]]), 'x')).toBeUndefined();
  });
});
