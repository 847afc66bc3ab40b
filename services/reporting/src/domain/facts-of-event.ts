import { shanghaiDay } from './period';

/** What a counted event contributes to one figure; one event may feed several. */
export interface Fact {
  readonly figure: string;
  /** The organisation whose subtree the fact counts in (the envelope's scope). */
  readonly orgId: string;
  /** Asia/Shanghai day the event occurred. */
  readonly day: string;
  readonly amount: number;
  /** Weight for rate figures (ballots behind a satisfaction rate); 1 otherwise. */
  readonly weight: number;
}

/** The envelope fields a fact needs; data stays `unknown` until the contract parsed it. */
export interface CountedEvent {
  readonly type: string;
  readonly orgId: string;
  readonly occurredAt: string;
  readonly data: unknown;
}

type Data = Record<string, unknown>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

type Extract = (d: Data) => readonly (readonly [figure: string, amount: number, weight?: number])[];

/**
 * Event type → the figures it feeds. Pure: the projection stores what this returns, and the
 * unit specs pin each mapping. Amounts are counts except money (integer fen) and households.
 */
const EXTRACTORS: Readonly<Record<string, Extract>> = {
  'evaluation.CyclePlanned': () => [['themes_set', 1]],
  'evaluation.PledgeMade': () => [['pledges_made', 1]],
  'evaluation.PledgeFiled': () => [['pledges_filed', 1]],
  'evaluation.PledgeFulfilled': () => [['pledges_fulfilled', 1]],
  'evaluation.PledgeLapsed': () => [['pledges_lapsed', 1]],
  'evaluation.LeaderCommentMade': (d) => {
    const n = list(d['findings']).length;
    return [
      ['comments', 1],
      ...(n > 0
        ? ([
            ['findings', n],
            ['measures', n],
          ] as const)
        : []),
    ];
  },
  'evaluation.MassEvaluationFindingsRecorded': (d) => {
    const n = list(d['findings']).length;
    return [
      ['findings', n],
      ['measures', n],
    ];
  },
  'evaluation.RectificationCompleted': (d) => [[d['onTime'] === true ? 'rectified_on_time' : 'rectified_late', 1]],
  'evaluation.RectificationOverdue': () => [['rectifications_overdue', 1]],
  'evaluation.MassEvaluationClosed': (d) => {
    const rate = d['satisfactionPermille'];
    const ballots = num(d['ballotsCast']);
    // A window nobody voted in was still held, but has no rate to weigh.
    return typeof rate === 'number' && ballots > 0
      ? [
          ['mass_evaluations', 1],
          ['satisfaction', rate * ballots, ballots],
        ]
      : [['mass_evaluations', 1]];
  },
  'evaluation.ReviewApproved': (d) => [[`grade_${String(d['grade'])}`, 1]],
  'evaluation.OrganizationAssessed': (d) => [[`tier_${String(d['tier'])}`, 1]],
  'evaluation.TierChanged': (d) => (d['direction'] === 'up' ? [['tier_upgrades', 1]] : []),
  'evaluation.QuarterPioneerSelected': () => [['pioneers', 1]],
  'commendation.CommendationDecided': () => [['commendations', 1]],
  'commendation.CommendationRevoked': () => [['commendations_revoked', 1]],
  'assistance.PairingFormed': () => [['villages_paired', 1]],
  'assistance.CadreDispatched': (d) => [
    ['cadres_dispatched', 1],
    ...(d['role'] === 'first_secretary' ? ([['first_secretaries', 1]] as const) : []),
  ],
  'assistance.ProjectPlanned': () => [['projects_planned', 1]],
  'assistance.FundsDisbursed': (d) => [['funds_disbursed_fen', num(d['amountFen'])]],
  // A reversed disbursement takes its money back out of the figure; a reversed allocation is not disbursed money.
  'assistance.FundMovementReversed': (d) => (d['reversedKind'] === 'disbursement' ? [['funds_disbursed_fen', -num(d['amountFen'])]] : []),
  'assistance.DeedDone': (d) => [
    ['deeds', 1],
    ['households_helped', num(d['householdsHelped'])],
  ],
  'assistance.VisitLogged': () => [['visits', 1]],
};

/** The facts an event feeds; none for a type no figure counts. */
export function factsOf(event: CountedEvent): Fact[] {
  const extract = EXTRACTORS[event.type];
  if (!extract) return [];
  const day = shanghaiDay(event.occurredAt);
  const data = (event.data ?? {}) as Data;
  return extract(data).map(([figure, amount, weight]) => ({ figure, orgId: event.orgId, day, amount, weight: weight ?? 1 }));
}

/** Types with an extractor, for the README and the specs. */
export const EXTRACTED_TYPES: readonly string[] = Object.keys(EXTRACTORS);
