import type { CountyMessage } from '@vanguard/county-inbound';

export const COUNTY_MEMBER_LINKS = Symbol('COUNTY_MEMBER_LINKS');

/**
 * The organization service's mapping of a county system's own member ids to platform member
 * ids, as this service's projection of `organization.CountyMemberLinked` holds it.
 */
export interface CountyMemberLinksPort {
  /** Platform member id by county member id, for those of `countyMemberIds` linked for `countyClientId`. */
  platformIds(countyClientId: string, countyMemberIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/**
 * Translates the county member ids a batch names, one read per county system. The answer for a
 * message: null when it names no member, undefined when its member is not linked (unknown).
 */
export async function translateMembers<M extends CountyMessage>(
  links: CountyMemberLinksPort,
  messages: readonly M[],
  countyMemberIdOf: (m: M) => string | null,
): Promise<(m: M) => string | null | undefined> {
  const byCounty = new Map<string, Set<string>>();
  for (const m of messages) {
    const id = countyMemberIdOf(m);
    if (id !== null) byCounty.set(m.sender.clientId, (byCounty.get(m.sender.clientId) ?? new Set()).add(id));
  }
  const linked = new Map<string, ReadonlyMap<string, string>>();
  for (const [clientId, ids] of byCounty) linked.set(clientId, await links.platformIds(clientId, [...ids]));
  return (m) => {
    const id = countyMemberIdOf(m);
    return id === null ? null : linked.get(m.sender.clientId)?.get(id);
  };
}
