import { isCalendarDay } from '@vanguard/contracts';
import { shanghaiDay } from './period';

/** What a counted event contributes to one figure; one event may feed several. */
export interface Fact {
  readonly figure: string;
  /** The organisation whose subtree the fact counts in (the envelope's scope). */
  readonly orgId: string;
  /**
   * The day the fact is filed under (`filingDay`): the day the work was done when the event names
   * it, else the Asia/Shanghai day the event occurred, moved into the period it is about.
   */
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

/** Window service kind (contract enum) → the figure seed 004 reports it as. */
const WINDOW_SERVICE_FIGURES: Readonly<Record<string, string>> = {
  service_given: 'window_services_given',
  handled_on_behalf: 'window_services_on_behalf',
  home_service: 'window_home_services',
  online_approval: 'window_online_approvals',
};

/**
 * One batch's counts summed per kind; a kind the batch did not count yields no row, so its
 * figure stays 暂无数据 rather than 0. The batch counts on the day it was counted (`countedOn`), not per month
 * in it: a fact is one row per (event, figure, organisation, day), and batches are sent monthly.
 */
function windowServices(counts: readonly unknown[]): [string, number][] {
  const sums = new Map<string, number>();
  for (const c of counts) {
    const figure = WINDOW_SERVICE_FIGURES[String((c as Data)['kind'])];
    if (figure) sums.set(figure, (sums.get(figure) ?? 0) + num((c as Data)['count']));
  }
  return [...sums];
}

/**
 * `orgId` and `day`: where and when the fact counts when not in the envelope's organisation on the
 * event's filing day (a deed moved away from a village, or to another day).
 */
type Extract = (d: Data) => readonly (readonly [figure: string, amount: number, weight?: number, orgId?: string, day?: string])[];

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
  // Findings of an inspection or a monthly review open a findings stream like a leader comment's (ADR 0038):
  // they are shortcomings found with measures ordered, so they count there too.
  'evaluation.InspectionFindingsRecorded': (d) => {
    const n = list(d['findings']).length;
    return [
      ['inspection_findings', n],
      ['findings', n],
      ['measures', n],
    ];
  },
  'evaluation.MonthlyReviewFindingsRecorded': (d) => {
    const n = list(d['findings']).length;
    return [
      ['findings', n],
      ['measures', n],
    ];
  },
  'evaluation.InspectionLaunched': (d) => [
    ['inspections', 1],
    ['units_inspected', list(d['units']).length],
  ],
  // A round is held once it concludes; units nobody scored were visited but not reviewed.
  'evaluation.MonthlyReviewConcluded': (d) => [
    ['monthly_reviews', 1],
    ['units_reviewed', list(d['results']).length],
  ],
  'evaluation.WindowServicesCounted': (d) => windowServices(list(d['counts'])),
  'evaluation.TrainingClassOpened': () => [['training_classes', 1]],
  'evaluation.TraineesEnrolled': (d) => [['trainees', list(d['trainees']).length]],
  'evaluation.TrainingAttendanceRecorded': (d) => [
    ['trainees_completed', list(d['attendance']).filter((a) => (a as Data)['completed'] === true).length],
  ],
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
  'evaluation.BenchmarkChosen': (d) => [
    [(d['subject'] as Data | undefined)?.['kind'] === 'member' ? 'benchmark_members' : 'benchmark_units', 1],
    ['benchmark_measures', list(d['measures']).length],
  ],
  'evaluation.QuarterPioneerSelected': (d) => [
    [(d['candidate'] as Data | undefined)?.['kind'] === 'organization' ? 'pioneer_units' : 'pioneers', 1],
  ],
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
  // A county's replacement of a deed (ADR 0046): still one deed, so it never adds to `deeds` where
  // it stays; what it changed in a counted figure counts as the difference from `previous`. A deed
  // moved to another village, or to another day (ADR 0106), leaves where and when it was filed (its
  // deed and households out) and counts at the new place and day: one event, two facts of a figure
  // (fact key: event, figure, organisation, day).
  'assistance.DeedCorrected': (d) => {
    const before = (d['previous'] ?? {}) as Data;
    const was = typeof before['orgId'] === 'string' ? before['orgId'] : String(d['orgId']);
    const wasOn = dayNamed(before['doneOn']);
    if (was !== d['orgId'] || (wasOn !== undefined && wasOn !== dayNamed(d['doneOn']))) {
      return [
        ['deeds', -1, 1, was, wasOn],
        ['households_helped', -num(before['householdsHelped']), 1, was, wasOn],
        ['deeds', 1],
        ['households_helped', num(d['householdsHelped'])],
      ];
    }
    const households = num(d['householdsHelped']) - num(before['householdsHelped']);
    return households !== 0 ? [['households_helped', households]] : [];
  },
  'assistance.VisitLogged': () => [['visits', 1]],
  // Each publication counts, a reprint in another outlet too (the contract: further publications of the
  // same article); seed 004 asks for 市级以上 and 中央 media, so a county outlet is only in the total.
  'publicity.ArticlePublished': (d) => {
    const level = String(d['level']);
    return [['articles_published', 1], [`articles_${level}`, 1], ...(level === 'county' ? [] : ([['articles_municipal_up', 1]] as const))];
  },
  // 先进单位 / 先进个人: an exemplar organisation or member put on the honour roll.
  'publicity.ExemplarPublished': (d) => [
    ['exemplars', 1],
    [d['subjectKind'] === 'organization' ? 'exemplar_units' : 'exemplar_individuals', 1],
  ],
};

/**
 * The period an event is about, where its data names one, as [first day, last day]: a 2025 review
 * approved in January 2026 is a figure of 2025, a cycle planned in December for next year's first
 * quarter one of that quarter.
 */
const OWN_PERIODS: Readonly<Record<string, (d: Data) => readonly [string, string] | undefined>> = {
  'evaluation.ReviewApproved': (d) => yearSpan(String(d['year'])),
  'evaluation.OrganizationAssessed': (d) => yearSpan(String(d['period'])),
  'evaluation.TierChanged': (d) => yearSpan(String(d['period'])),
  'evaluation.CyclePlanned': (d) => quarterSpan(String(d['quarter'])),
  'evaluation.MonthlyReviewConcluded': (d) => monthSpan(String(d['month'])),
};

function yearSpan(year: string): readonly [string, string] | undefined {
  return /^\d{4}$/.test(year) ? [`${year}-01-01`, `${year}-12-31`] : undefined;
}

function quarterSpan(quarter: string): readonly [string, string] | undefined {
  const q = /^(\d{4})-Q([1-4])$/.exec(quarter);
  if (!q) return undefined;
  const first = 3 * (Number(q[2]) - 1) + 1;
  return [`${q[1]}-${pad(first)}-01`, lastDayOf(Number(q[1]), first + 2)];
}

function monthSpan(month: string): readonly [string, string] | undefined {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  return m ? [`${m[1]}-${m[2]}-01`, lastDayOf(Number(m[1]), Number(m[2]))] : undefined;
}

/**
 * The day the work an event records was done, where its data names it: a deed done on 28 December
 * that a county reports on 3 January is a figure of December, and of last year (ADR 0106). Every
 * counted type whose contract names such a day is here (ADR 0157): a comment made, findings
 * recorded or money disbursed in 2011 and entered in 2026 is 2011's work. A due day (`PledgeMade.dueOn`,
 * `BenchmarkChosen.dueOn`) is not a day work was done, nor a term's first day (`PairingFormed.from`, `CadreDispatched.from`,
 * `TrainingClassOpened.startsOn`: set ahead, and a class's trainees carry no day to follow it).
 */
const OWN_DAYS: Readonly<Record<string, (d: Data) => unknown>> = {
  'evaluation.LeaderCommentMade': (d) => d['madeOn'],
  'evaluation.MassEvaluationFindingsRecorded': (d) => d['recordedOn'],
  'evaluation.InspectionFindingsRecorded': (d) => d['recordedOn'],
  'evaluation.MonthlyReviewFindingsRecorded': (d) => d['recordedOn'],
  'evaluation.InspectionLaunched': (d) => d['launchedOn'],
  // A round about May concluded on 2 June still counts in May (OWN_PERIODS).
  'evaluation.MonthlyReviewConcluded': (d) => d['concludedOn'],
  'evaluation.OrganizationAssessed': (d) => d['assessedOn'],
  'evaluation.WindowServicesCounted': (d) => d['countedOn'],
  'evaluation.RectificationCompleted': (d) => d['completedOn'],
  'evaluation.RectificationOverdue': (d) => d['markedOn'],
  'commendation.CommendationDecided': (d) => d['decidedOn'],
  'commendation.CommendationRevoked': (d) => d['revokedOn'],
  'assistance.ProjectPlanned': (d) => d['plannedOn'],
  'assistance.FundsDisbursed': (d) => d['on'],
  'assistance.FundMovementReversed': (d) => d['on'],
  'assistance.DeedDone': (d) => d['doneOn'],
  'assistance.DeedCorrected': (d) => d['doneOn'],
  'assistance.VisitLogged': (d) => d['visitedOn'],
  'publicity.ArticlePublished': (d) => d['publishedOn'],
  'publicity.ExemplarPublished': (d) => d['publishedOn'],
};

/**
 * A calendar day in the years a period can be asked for (1900–2099, the contracts' one day rule);
 * anything else names no day: a county's `0202-12-28`, or an event stored before the edges took
 * only those years, would file a figure where no summary can find it, so it counts on the day it
 * was reported instead.
 */
const dayNamed = (v: unknown): string | undefined => (isCalendarDay(v) ? v : undefined);

const pad = (n: number) => String(n).padStart(2, '0');
const lastDayOf = (year: number, month: number) => `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;

/**
 * The day a fact is filed under: the day the work was done when the event names it, else the
 * Asia/Shanghai day the event occurred; when the event is about a period that day is outside of,
 * that period's nearest day — so each period's figures hold what that period's work produced,
 * whenever it was reported, approved or planned.
 */
export function filingDay(event: CountedEvent): string {
  const data = (event.data ?? {}) as Data;
  const day = dayNamed(OWN_DAYS[event.type]?.(data)) ?? shanghaiDay(event.occurredAt);
  const span = OWN_PERIODS[event.type]?.(data);
  if (!span) return day;
  const [first, last] = span;
  return day < first ? first : day > last ? last : day;
}

/** The facts an event feeds; none for a type no figure counts. */
export function factsOf(event: CountedEvent): Fact[] {
  const extract = EXTRACTORS[event.type];
  if (!extract) return [];
  const day = filingDay(event);
  const data = (event.data ?? {}) as Data;
  return extract(data).map(([figure, amount, weight, orgId, on]) => ({
    figure,
    orgId: orgId ?? event.orgId,
    day: on ?? day,
    amount,
    weight: weight ?? 1,
  }));
}

/** Types with an extractor, for the README and the specs. */
export const EXTRACTED_TYPES: readonly string[] = Object.keys(EXTRACTORS);
