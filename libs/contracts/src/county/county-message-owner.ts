/** The services that own (apply, refuse and answer) county inbound messages. */
export type CountyMessageOwnerService = 'organization' | 'evaluation' | 'assistance';

const OWNERS: Readonly<Record<string, CountyMessageOwnerService>> = {
  'county.RosterMemberSynced': 'organization',
  'county.RosterMemberRemoved': 'organization',
  'county.PledgeProgressReported': 'evaluation',
  'county.DemocraticReviewTallied': 'evaluation',
  'county.MassEvaluationTallied': 'evaluation',
  'county.WindowServicesRecorded': 'evaluation',
  'county.DeedRecorded': 'assistance',
  'county.VisitLogged': 'assistance',
};

/**
 * Which service answers a message of `type` on the county inbound topic. Each owner reads
 * the whole topic in its own consumer group and acknowledges other owners' types without
 * effect; unknown types and undecodable messages belong to organization, so exactly one
 * service dead-letters garbage and answers it.
 */
export function countyMessageOwner(type: string | undefined): CountyMessageOwnerService {
  return type !== undefined && isCountyInboundType(type) ? OWNERS[type]! : 'organization';
}

/**
 * Whether a county sends `type` on the inbound topic. A platform event (`organization.MemberJoined`)
 * or the reply (`county.MessageOutcome`) there is not one, however valid by its own contract.
 */
export function isCountyInboundType(type: string): boolean {
  // Own keys only: `constructor` read from the table was Object, an owner no service is.
  return Object.hasOwn(OWNERS, type);
}

/** The county inbound types `owner` applies. */
export function countyMessageTypesOf(owner: CountyMessageOwnerService): readonly string[] {
  return Object.entries(OWNERS)
    .filter(([, o]) => o === owner)
    .map(([t]) => t);
}
