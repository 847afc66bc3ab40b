import { seededRandom } from '@vanguard/testing';
import { RosterBatch, type RosterKind } from './roster-removals';

type Row = { id: string; version: number };
type Item = { removal: boolean; version: number };

/**
 * States and verified removals of one key in any order: the batch keeps the newest word. The
 * expectation is taken from the versions alone, not by replaying the batch's own rule.
 */
describe(RosterBatch.name, () => {
  const seed = Number(process.env['ROSTER_BATCH_SEED'] ?? Date.now() % 100_000);
  const random = seededRandom(seed);

  it.each<RosterKind>(['organization', 'member'])('keeps the newest state or removal of a %s, whatever the order', (kind) => {
    for (let run = 0; run < 500; run++) {
      const versions = [...new Set(Array.from({ length: 1 + Math.floor(random() * 6) }, () => Math.floor(random() * 20)))];
      const items: Item[] = versions.map((version) => ({ removal: random() < 0.5, version }));
      const batch = new RosterBatch<Row, Row>();
      for (const it of items)
        if (it.removal) batch.remove({ kind, id: 'x', version: it.version });
        else if (kind === 'organization') batch.holdOrganization({ id: 'x', version: it.version });
        else batch.holdMember({ id: 'x', version: it.version });

      const newestState = Math.max(-1, ...items.filter((i) => !i.removal).map((i) => i.version));
      const newestRemoval = Math.max(-1, ...items.filter((i) => i.removal).map((i) => i.version));
      const held = (kind === 'organization' ? batch.organizations : batch.members).get('x');
      const removed = batch.removed.get(`${kind}-x`);
      const context = { seed, run, items };
      expect({ ...context, held: held?.version }).toEqual({ ...context, held: newestState > newestRemoval ? newestState : undefined });
      if (newestRemoval > newestState) expect({ ...context, removed: removed?.version }).toEqual({ ...context, removed: newestRemoval });
      // An older removal may stay beside a newer state: written first, it cannot outdate it.
      else expect({ ...context, older: (removed?.version ?? -1) < newestState }).toEqual({ ...context, older: true });
      // The other kind's maps are never touched.
      expect((kind === 'organization' ? batch.members : batch.organizations).size).toBe(0);
    }
  });
});
