import { unlinkedMember, type CountyMemberIds, type CountyMessage, type CountyOutcome } from '@vanguard/county-inbound';

export const COUNTY_MEMBER_LINKS = Symbol('COUNTY_MEMBER_LINKS');

/**
 * The organization service's mapping of a county system's own member ids to platform member
 * ids, as this service's projection of `organization.CountyMemberLinked` holds it.
 */
export interface CountyMemberLinksPort {
  /** `countyMemberIds` of `countyClientId`: linked to a platform member now, or taken over by another county. */
  memberIds(countyClientId: string, countyMemberIds: readonly string[]): Promise<CountyMemberIds>;
  /** Throws no verdict until the links published soon after these messages arrived are read (libs/county-inbound `LinksArrival`). */
  awaitLinks(receivedAt: readonly Date[]): Promise<void>;
}

/** A batch's county member ids translated: `memberOf` a message, and why it has none when it names one. */
export interface TranslatedMembers<M> {
  /** null when the message names no member, undefined when its member id does not translate. */
  memberOf(m: M): string | null | undefined;
  /** The refusal for a message whose member id does not translate: taken over, or unknown. */
  unlinked(m: M): CountyOutcome;
}

const NONE: CountyMemberIds = { linked: new Map(), takenOver: new Map() };

/**
 * Translates the county member ids a batch names, one read per county system. An id never linked
 * waits for the links the organization may still be publishing for it (`awaitLinks`, which throws
 * no verdict until then), and is read again once they are here.
 */
export async function translateMembers<M extends CountyMessage>(
  links: CountyMemberLinksPort,
  messages: readonly M[],
  countyMemberIdOf: (m: M) => string | null,
): Promise<TranslatedMembers<M>> {
  let known = await read(links, messages, countyMemberIdOf);
  const isUnknown = (m: M) => {
    const id = countyMemberIdOf(m);
    const ids = known.get(m.sender.clientId) ?? NONE;
    return id !== null && !ids.linked.has(id) && !ids.takenOver.has(id);
  };
  const unknown = messages.filter(isUnknown);
  if (unknown.length) {
    await links.awaitLinks(unknown.map((m) => m.receivedAt));
    known = await read(links, messages, countyMemberIdOf);
  }
  return {
    memberOf: (m) => {
      const id = countyMemberIdOf(m);
      return id === null ? null : known.get(m.sender.clientId)?.linked.get(id);
    },
    unlinked: (m) => unlinkedMember(known.get(m.sender.clientId) ?? NONE, countyMemberIdOf(m) ?? ''),
  };
}

async function read<M extends CountyMessage>(
  links: CountyMemberLinksPort,
  messages: readonly M[],
  countyMemberIdOf: (m: M) => string | null,
): Promise<Map<string, CountyMemberIds>> {
  const byCounty = new Map<string, Set<string>>();
  for (const m of messages) {
    const id = countyMemberIdOf(m);
    if (id !== null) byCounty.set(m.sender.clientId, (byCounty.get(m.sender.clientId) ?? new Set()).add(id));
  }
  const known = new Map<string, CountyMemberIds>();
  for (const [clientId, ids] of byCounty) known.set(clientId, await links.memberIds(clientId, [...ids]));
  return known;
}
