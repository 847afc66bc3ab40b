import { unlinkedMember, type CountyMemberIds, type CountyMessage, type CountyOutcome } from '@vanguard/county-inbound';

export const COUNTY_MEMBER_LINKS = Symbol('COUNTY_MEMBER_LINKS');

/**
 * The organization service's mapping of a county system's own member ids to platform member
 * ids, as this service's projection of `organization.CountyMemberLinked` holds it.
 */
export interface CountyMemberLinksPort {
  /** `countyMemberIds` of `countyClientId`: linked to a platform member now, or taken over by another county. */
  memberIds(countyClientId: string, countyMemberIds: readonly string[]): Promise<CountyMemberIds>;
}

/** A batch's county member ids translated: `memberOf` a message, and why it has none when it names one. */
export interface TranslatedMembers<M> {
  /** null when the message names no member, undefined when its member id does not translate. */
  memberOf(m: M): string | null | undefined;
  /** The refusal for a message whose member id does not translate: taken over, or unknown. */
  unlinked(m: M): CountyOutcome;
}

/** Translates the county member ids a batch names, one read per county system. */
export async function translateMembers<M extends CountyMessage>(
  links: CountyMemberLinksPort,
  messages: readonly M[],
  countyMemberIdOf: (m: M) => string | null,
): Promise<TranslatedMembers<M>> {
  const byCounty = new Map<string, Set<string>>();
  for (const m of messages) {
    const id = countyMemberIdOf(m);
    if (id !== null) byCounty.set(m.sender.clientId, (byCounty.get(m.sender.clientId) ?? new Set()).add(id));
  }
  const known = new Map<string, CountyMemberIds>();
  for (const [clientId, ids] of byCounty) known.set(clientId, await links.memberIds(clientId, [...ids]));
  const none: CountyMemberIds = { linked: new Map(), takenOver: new Map() };
  return {
    memberOf: (m) => {
      const id = countyMemberIdOf(m);
      return id === null ? null : known.get(m.sender.clientId)?.linked.get(id);
    },
    unlinked: (m) => unlinkedMember(known.get(m.sender.clientId) ?? none, countyMemberIdOf(m) ?? ''),
  };
}
