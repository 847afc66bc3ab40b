import type { CountyMemberIds, CountyMessage } from '@vanguard/county-inbound';
import { translateMembers, type CountyMemberLinksPort } from './county-member-links.port';

const message = (clientId: string, memberId: string | null) =>
  ({ sender: { clientId }, event: { data: { memberId } } }) as unknown as CountyMessage & { event: { data: { memberId: string | null } } };

describe(translateMembers.name, () => {
  // county-songling's id "old" was ended when county-hekou took the member over (ADR 0048).
  const links: CountyMemberLinksPort = {
    memberIds: (clientId, ids): Promise<CountyMemberIds> =>
      Promise.resolve({
        linked: new Map(clientId === 'county-songling' && ids.includes('linked') ? [['linked', 'member-1']] : []),
        takenOver: new Map(clientId === 'county-songling' && ids.includes('old') ? [['old', 'county-hekou']] : []),
      }),
  };

  it('translates linked ids, and answers a taken-over id COUNTY.MEMBER_TAKEN_OVER, an unknown one COUNTY.MEMBER_UNKNOWN', async () => {
    const [linked, old, unknown, none] = [
      message('county-songling', 'linked'),
      message('county-songling', 'old'),
      message('county-songling', 'never'),
      message('county-songling', null),
    ];
    const members = await translateMembers(links, [linked, old, unknown, none], (m) => m.event.data.memberId);

    expect([linked, old, unknown, none].map((m) => members.memberOf(m))).toEqual(['member-1', undefined, undefined, null]);
    expect(members.unlinked(old)).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_TAKEN_OVER' });
    expect(members.unlinked(old)).toMatchObject({ reason: expect.stringContaining('county-hekou') });
    expect(members.unlinked(unknown)).toMatchObject({ outcome: 'refused', code: 'COUNTY.MEMBER_UNKNOWN' });
  });
});
