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

const outOfScope = (orgId: string): CountyOutcome =>
  refused('COUNTY.OUT_OF_SCOPE', `党员当前所在组织 ${orgId} 不在本旗县范围内 / the member now belongs to ${orgId}, outside your county`);

/** The refusal when the member is not inside the sender's county now; nothing when the county may speak for him. */
export async function speaksFor(scope: CountyScope, sender: CountySender, member: RosterMemberState): Promise<CountyOutcome | undefined> {
  return (await scope(sender.countyOrgId, member.orgId)) ? undefined : outOfScope(member.orgId);
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
