import { memberTakenOver, refused, type CountyOutcome, type CountyScope, type CountySender } from '@vanguard/county-inbound';
import type { CountyMemberKey, NewCountyMemberLink, RosterMemberState } from './county-roster.port';

/**
 * Who speaks for a member through a county id (ADR 0048), in one place:
 * - a county speaks for a member only while he is inside its county (`speaksFor`); the platform
 *   may move him out (a transfer), and the county's messages about him are then refused
 *   COUNTY.OUT_OF_SCOPE — until he comes back;
 * - the county he was moved to takes him over by naming him by his platform member id (which it
 *   reads on the member-state topic) on its first sync (`takeOver`): its id is linked to him and
 *   the link of the county that had him is ended;
 * - an ended link answers COUNTY.MEMBER_TAKEN_OVER for good (`takenOver`): the old county's id is
 *   never read as a new person, which would register him twice.
 */
export const MEMBER_ALREADY_LINKED = 'COUNTY.MEMBER_ALREADY_LINKED';

/** The refusal evaluation and assistance answer too (libs/county-inbound), so a county hears the same from every service. */
export const takenOver = memberTakenOver;

// The same words whoever holds him: naming his organisation told any county that knew a member id where he is now.
const OUT_OF_SCOPE = refused('COUNTY.OUT_OF_SCOPE', '该党员当前不在本旗县范围内 / the member is not inside your county now');

/** The refusal when the member is not inside the sender's county now; nothing when the county may speak for him. */
export async function speaksFor(scope: CountyScope, sender: CountySender, member: RosterMemberState): Promise<CountyOutcome | undefined> {
  return (await scope(sender.countyOrgId, member.orgId)) ? undefined : OUT_OF_SCOPE;
}

/**
 * A first sync naming a platform member by his id: the link it makes and the one it ends, or the
 * refusal. The member must be inside the sender's county; a county that already names him under
 * another id keeps that one.
 */
export async function takeOver(
  scope: CountyScope,
  sender: CountySender,
  claim: { readonly state: RosterMemberState; readonly link?: CountyMemberKey },
): Promise<CountyOutcome | { link: NewCountyMemberLink; ends?: CountyMemberKey & { takenOverBy: string } }> {
  const refusal = await speaksFor(scope, sender, claim.state);
  if (refusal) return refusal;
  if (claim.link?.countyClientId === sender.clientId)
    return refused(
      MEMBER_ALREADY_LINKED,
      `本旗县已用编号 ${claim.link.countyMemberId} 同步该党员 / your county names this member ${claim.link.countyMemberId} already`,
    );
  const link = { countyClientId: sender.clientId, countyMemberId: claim.state.id, memberId: claim.state.id, orgId: claim.state.orgId };
  return claim.link ? { link, ends: { ...claim.link, takenOverBy: sender.clientId } } : { link };
}
