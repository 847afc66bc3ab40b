import { InfrastructureUnavailable } from '@vanguard/messaging';
import type { CountyMemberIds, CountyMessage } from '@vanguard/county-inbound';
import { translateMembers, type CountyMemberLinksPort } from './county-member-links.port';

const ARRIVED = new Date('2026-12-07T03:00:00Z');
const message = (clientId: string, memberId: string | null, receivedAt = ARRIVED) =>
  ({ sender: { clientId }, event: { data: { memberId } }, receivedAt }) as unknown as CountyMessage & {
    event: { data: { memberId: string | null } };
  };

/** Songling's links as the projection holds them, with the ids whose link is still on its way and what awaiting them does. */
function linksOf(onTheWay: readonly string[], awaited: (receivedAt: readonly Date[]) => Promise<void>) {
  const arrived = new Set<string>();
  const calls: Date[][] = [];
  const links: CountyMemberLinksPort = {
    // county-songling's id "old" was ended when county-hekou took the member over (ADR 0048).
    memberIds: (clientId, ids): Promise<CountyMemberIds> =>
      Promise.resolve({
        linked: new Map(
          clientId !== 'county-songling'
            ? []
            : ids.flatMap((id): [string, string][] => (id === 'linked' || arrived.has(id) ? [[id, `member-${id}`]] : [])),
        ),
        takenOver: new Map(clientId === 'county-songling' && ids.includes('old') ? [['old', 'county-hekou']] : []),
      }),
    awaitLinks: async (receivedAt) => {
      calls.push([...receivedAt]);
      await awaited(receivedAt);
      onTheWay.forEach((id) => arrived.add(id));
    },
  };
  return { links, calls };
}

describe(translateMembers.name, () => {
  it('translates linked ids, and answers a taken-over id COUNTY.MEMBER_TAKEN_OVER, an unknown one COUNTY.MEMBER_UNKNOWN', async () => {
    const { links } = linksOf([], () => Promise.resolve());
    const [linked, old, unknown, none] = [
      message('county-songling', 'linked'),
      message('county-songling', 'old'),
      message('county-songling', 'never'),
      message('county-songling', null),
    ];
    const members = await translateMembers(links, [linked, old, unknown, none], (m) => m.event.data.memberId);

    expect([linked, old, unknown, none].map((m) => members.memberOf(m))).toEqual(['member-linked', undefined, undefined, null]);
    expect(members.unlinked(old)).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_TAKEN_OVER' });
    expect(members.unlinked(old)).toMatchObject({ reason: expect.stringContaining('county-hekou') });
    expect(members.unlinked(unknown)).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_UNKNOWN' });
  });

  it('waits for the links of unknown ids only, and translates an id whose link came in meanwhile', async () => {
    const { links, calls } = linksOf(['late'], () => Promise.resolve());
    const later = new Date(ARRIVED.getTime() + 1_000);
    const [linked, old, late, none] = [
      message('county-songling', 'linked'),
      message('county-songling', 'old'),
      message('county-songling', 'late', later),
      message('county-songling', null),
    ];
    const members = await translateMembers(links, [linked, old, late, none], (m) => m.event.data.memberId);

    expect(calls).toEqual([[later]]);
    expect(members.memberOf(late)).toBe('member-late');
  });

  it('asks nothing of the links’ progress when every id translates or was taken over', async () => {
    const { links, calls } = linksOf([], () => Promise.resolve());
    await translateMembers(links, [message('county-songling', 'linked'), message('county-songling', 'old')], (m) => m.event.data.memberId);

    expect(calls).toEqual([]);
  });

  it('passes on the no-verdict failure of links still on their way, answering nothing', async () => {
    const { links } = linksOf(['late'], () => Promise.reject(new InfrastructureUnavailable('links not read yet')));

    await expect(translateMembers(links, [message('county-songling', 'late')], (m) => m.event.data.memberId)).rejects.toBeInstanceOf(
      InfrastructureUnavailable,
    );
  });
});
