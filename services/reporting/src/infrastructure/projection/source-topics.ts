import {
  ContractRegistry,
  assistanceContracts,
  commendationContracts,
  evaluationContracts,
  publicityContracts,
  rosterStateContracts,
  MemberState,
  OrganizationState,
  type AnyEventContract,
} from '@vanguard/contracts';

/**
 * What reporting follows: organization's two compacted state topics (ADR 0029) for the tree
 * and member counts, and the events topics of evaluation, commendation, assistance and publicity
 * (articles published, exemplars on the honour roll).
 */
const SOURCES: readonly AnyEventContract[] = [
  ...rosterStateContracts,
  ...evaluationContracts,
  ...commendationContracts,
  ...assistanceContracts,
  ...publicityContracts,
];

/** The contracts, each on its topic, or `<prefix>.<topic>` (tests give each suite its own topics). */
export function reportingContracts(prefix?: string): ContractRegistry {
  return new ContractRegistry(SOURCES.map((c) => (prefix ? { ...c, topic: `${prefix}.${c.topic}` } : c)));
}

/** The two compacted state topics (ADR 0029), the only ones whose tombstones mean "deleted". */
export interface StateTopics {
  readonly organization: string;
  readonly member: string;
}

export function stateTopics(prefix?: string): StateTopics {
  const t = (topic: string) => (prefix ? `${prefix}.${topic}` : topic);
  return { organization: t(OrganizationState.topic), member: t(MemberState.topic) };
}
