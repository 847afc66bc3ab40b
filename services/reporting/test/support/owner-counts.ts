import type { Pool } from 'pg';

/**
 * Every figure of the summary counted straight from the owning services' stores, in SQL written
 * from the figure catalogue's definitions (figures.ts, the README) and the contracts — never from
 * reporting's extractors or read model, so a wrong mapping on either side shows as a difference.
 *
 * The stores: evaluation's and commendation's event stores (`events`, the envelope in `canonical`),
 * assistance's outbox (the envelope as it was published), organization's organisation, member and
 * contact-point tables. A figure is `null` when no event fed it, a rate is ballot-weighted.
 */

/**
 * The day an event's work was done, where its data names one (ADR 0106, 0157), from the contracts'
 * field names; null for the rest, which count on the day they occurred.
 */
const OWN_DAY = `(case s.type
    when 'evaluation.LeaderCommentMade' then s.data->>'madeOn'
    when 'evaluation.MassEvaluationFindingsRecorded' then s.data->>'recordedOn'
    when 'evaluation.InspectionFindingsRecorded' then s.data->>'recordedOn'
    when 'evaluation.MonthlyReviewFindingsRecorded' then s.data->>'recordedOn'
    when 'evaluation.InspectionLaunched' then s.data->>'launchedOn'
    when 'evaluation.MonthlyReviewConcluded' then s.data->>'concludedOn'
    when 'evaluation.OrganizationAssessed' then s.data->>'assessedOn'
    when 'evaluation.WindowServicesCounted' then s.data->>'countedOn'
    when 'evaluation.RectificationCompleted' then s.data->>'completedOn'
    when 'evaluation.RectificationOverdue' then s.data->>'markedOn'
    when 'commendation.CommendationDecided' then s.data->>'decidedOn'
    when 'commendation.CommendationRevoked' then s.data->>'revokedOn'
    when 'assistance.ProjectPlanned' then s.data->>'plannedOn'
    when 'assistance.FundsDisbursed' then s.data->>'on'
    when 'assistance.FundMovementReversed' then s.data->>'on'
    when 'assistance.DeedDone' then s.data->>'doneOn'
    when 'assistance.DeedCorrected' then s.data->>'doneOn'
    when 'assistance.VisitLogged' then s.data->>'visitedOn'
  end)::date`;

/** Store events as one relation (type, counting organisation, data) with the day their work was done or they occurred. */
const STORE_DAYS = `
  store as (
    select type, org_id, (canonical::jsonb)->'data' as data, occurred_at from evaluation.events
    union all
    select type, org_id, (canonical::jsonb)->'data', occurred_at from commendation.events
    union all
    select event_type, envelope->>'orgId', envelope->'data', (envelope->>'occurredAt')::timestamptz from assistance.vanguard_outbox
  ),
  own_period as (
    -- Events about a period of their own are filed inside it, on its nearest day (ADR 0103).
    select s.*, coalesce(${OWN_DAY}, (s.occurred_at at time zone 'Asia/Shanghai')::date) as done_on,
      case type
        when 'evaluation.ReviewApproved' then make_date((data->>'year')::int, 1, 1)
        when 'evaluation.OrganizationAssessed' then make_date((data->>'period')::int, 1, 1)
        when 'evaluation.TierChanged' then make_date((data->>'period')::int, 1, 1)
        when 'evaluation.CyclePlanned' then make_date(left(data->>'quarter', 4)::int, 3 * right(data->>'quarter', 1)::int - 2, 1)
        when 'evaluation.MonthlyReviewConcluded' then ((data->>'month') || '-01')::date
      end as first_day,
      case type
        when 'evaluation.CyclePlanned' then interval '3 months'
        when 'evaluation.MonthlyReviewConcluded' then interval '1 month'
        else interval '1 year'
      end as span
    from store s
  )`;

/** STORE_DAYS and `ev`: each event with the day the figure files it under. */
const EVENTS = `${STORE_DAYS},
  ev as (
    select type, org_id, data,
      case when first_day is null then done_on
           else greatest(first_day, least((first_day + span - interval '1 day')::date, done_on)) end as day
    from own_period
  )`;

const FINDINGS = [
  'evaluation.LeaderCommentMade',
  'evaluation.MassEvaluationFindingsRecorded',
  'evaluation.InspectionFindingsRecorded',
  'evaluation.MonthlyReviewFindingsRecorded',
]
  .map((t) => `'${t}'`)
  .join(', ');

function one(type: string, where = 'true'): string {
  return `select org_id, day, 1, 0 from ev where type = '${type}' and ${where}`;
}

/** A batch's count of one kind; a kind the batch did not count adds no row. */
function windowCount(kind: string): string {
  return `select org_id, day, (c->>'count')::bigint, 0 from ev, jsonb_array_elements(data->'counts') c
          where type = 'evaluation.WindowServicesCounted' and c->>'kind' = '${kind}'`;
}

/** Per figure: rows (org_id, day, amount, weight) as the figure's definition counts them. */
const FACTS: Record<string, string> = {
  themes_set: one('evaluation.CyclePlanned'),
  pledges_made: one('evaluation.PledgeMade'),
  pledges_filed: one('evaluation.PledgeFiled'),
  pledges_fulfilled: one('evaluation.PledgeFulfilled'),
  pledges_lapsed: one('evaluation.PledgeLapsed'),
  comments: one('evaluation.LeaderCommentMade'),
  // A finding is one shortcoming and its rectification one measure.
  findings: `select org_id, day, jsonb_array_length(data->'findings'), 0 from ev where type in (${FINDINGS})`,
  measures: `select org_id, day, (select count(*) from jsonb_array_elements(data->'findings') f where f->>'rectification' <> ''), 0
             from ev where type in (${FINDINGS})`,
  rectified_on_time: one('evaluation.RectificationCompleted', `(data->>'onTime')::boolean`),
  rectified_late: one('evaluation.RectificationCompleted', `not (data->>'onTime')::boolean`),
  rectifications_overdue: one('evaluation.RectificationOverdue'),
  mass_evaluations: one('evaluation.MassEvaluationClosed'),
  // 群众满意率: every ballot weighs the same, so each evaluation's rate weighs its ballots.
  satisfaction: `select org_id, day, (data->>'satisfactionPermille')::bigint * (data->>'ballotsCast')::bigint, (data->>'ballotsCast')::bigint
                 from ev where type = 'evaluation.MassEvaluationClosed'`,
  grade_excellent: one('evaluation.ReviewApproved', `data->>'grade' = 'excellent'`),
  grade_qualified: one('evaluation.ReviewApproved', `data->>'grade' = 'qualified'`),
  grade_basically_qualified: one('evaluation.ReviewApproved', `data->>'grade' = 'basically_qualified'`),
  grade_unqualified: one('evaluation.ReviewApproved', `data->>'grade' = 'unqualified'`),
  tier_advanced: one('evaluation.OrganizationAssessed', `data->>'tier' = 'advanced'`),
  tier_middle: one('evaluation.OrganizationAssessed', `data->>'tier' = 'middle'`),
  tier_lagging: one('evaluation.OrganizationAssessed', `data->>'tier' = 'lagging'`),
  tier_upgrades: one('evaluation.TierChanged', `data->>'direction' = 'up'`),
  pioneers: one('evaluation.QuarterPioneerSelected', `data->'candidate'->>'kind' = 'member'`),
  pioneer_units: one('evaluation.QuarterPioneerSelected', `data->'candidate'->>'kind' = 'organization'`),
  benchmark_units: one('evaluation.BenchmarkChosen', `data->'subject'->>'kind' = 'organization'`),
  benchmark_members: one('evaluation.BenchmarkChosen', `data->'subject'->>'kind' = 'member'`),
  benchmark_measures: `select org_id, day, jsonb_array_length(data->'measures'), 0 from ev where type = 'evaluation.BenchmarkChosen'`,
  window_services_given: windowCount('service_given'),
  window_services_on_behalf: windowCount('handled_on_behalf'),
  window_home_services: windowCount('home_service'),
  window_online_approvals: windowCount('online_approval'),
  inspections: one('evaluation.InspectionLaunched'),
  units_inspected: `select org_id, day, jsonb_array_length(data->'units'), 0 from ev where type = 'evaluation.InspectionLaunched'`,
  inspection_findings: `select org_id, day, jsonb_array_length(data->'findings'), 0 from ev where type = 'evaluation.InspectionFindingsRecorded'`,
  monthly_reviews: one('evaluation.MonthlyReviewConcluded'),
  // The round's scored units; those left unscored were not reviewed.
  units_reviewed: `select org_id, day, jsonb_array_length(data->'results'), 0 from ev where type = 'evaluation.MonthlyReviewConcluded'`,
  training_classes: one('evaluation.TrainingClassOpened'),
  trainees: `select org_id, day, jsonb_array_length(data->'trainees'), 0 from ev where type = 'evaluation.TraineesEnrolled'`,
  trainees_completed: `select org_id, day, (select count(*) from jsonb_array_elements(data->'attendance') a where (a->>'completed')::boolean), 0
                       from ev where type = 'evaluation.TrainingAttendanceRecorded'`,
  commendations: one('commendation.CommendationDecided'),
  commendations_revoked: one('commendation.CommendationRevoked'),
  villages_paired: one('assistance.PairingFormed'),
  first_secretaries: one('assistance.CadreDispatched', `data->>'role' = 'first_secretary'`),
  cadres_dispatched: one('assistance.CadreDispatched'),
  projects_planned: one('assistance.ProjectPlanned'),
  // Money in fen: what was disbursed, less the disbursements reversed (an allocation reversed was never disbursed).
  funds_disbursed_fen: `select org_id, day, (data->>'amountFen')::bigint, 0 from ev where type = 'assistance.FundsDisbursed'
                        union all
                        select org_id, day, -(data->>'amountFen')::bigint, 0 from ev
                        where type = 'assistance.FundMovementReversed' and data->>'reversedKind' = 'disbursement'`,
  // A correction is still the one deed: a move takes it (and its households) from the old village
  // and day to the new.
  deeds: `select org_id, day, 1, 0 from ev where type = 'assistance.DeedDone'
          union all
          select o.org_id, o.day, o.amount, 0 from ev,
            lateral (values (data->'previous'->>'orgId', (data->'previous'->>'doneOn')::date, -1), (data->>'orgId', day, 1)) o(org_id, day, amount)
          where type = 'assistance.DeedCorrected'
            and (data->'previous'->>'orgId' <> data->>'orgId' or data->'previous'->>'doneOn' <> data->>'doneOn')`,
  households_helped: `select org_id, day, (data->>'householdsHelped')::bigint, 0 from ev where type = 'assistance.DeedDone'
                      union all
                      select o.org_id, o.day, o.amount, 0 from ev,
                        lateral (values (data->'previous'->>'orgId', (data->'previous'->>'doneOn')::date,
                                         -(data->'previous'->>'householdsHelped')::bigint),
                                        (data->>'orgId', day, (data->>'householdsHelped')::bigint)) o(org_id, day, amount)
                      where type = 'assistance.DeedCorrected'`,
  visits: one('assistance.VisitLogged'),
  // Publicity's outbox: the county demo publishes its articles through ArticlesService (exemplars come from commendation's consumer, not run here).
  articles_published: publicity('publicity.ArticlePublished', 'true'),
  articles_municipal_up: publicity('publicity.ArticlePublished', `data->>'level' in ('central', 'provincial', 'municipal')`),
  articles_central: publicity('publicity.ArticlePublished', `data->>'level' = 'central'`),
  articles_provincial: publicity('publicity.ArticlePublished', `data->>'level' = 'provincial'`),
  articles_municipal: publicity('publicity.ArticlePublished', `data->>'level' = 'municipal'`),
  articles_county: publicity('publicity.ArticlePublished', `data->>'level' = 'county'`),
  exemplars: publicity('publicity.ExemplarPublished', 'true'),
  exemplar_units: publicity('publicity.ExemplarPublished', `data->>'subjectKind' = 'organization'`),
  exemplar_individuals: publicity('publicity.ExemplarPublished', `data->>'subjectKind' = 'member'`),
};

function publicity(type: string, where: string): string {
  return `select envelope->>'orgId', (envelope->'data'->>'publishedOn')::date, 1, 0
          from publicity.vanguard_outbox, lateral (select envelope->'data' as data) d
          where event_type = '${type}' and ${where}`;
}

export type FigureCounts = Record<string, number | null>;

/** Each event figure of `rootId`'s subtree over [from, to) (Asia/Shanghai days), counted in the stores. */
export async function ownerEventCounts(stores: Pool, rootId: string, period: { from: string; to: string }): Promise<FigureCounts> {
  const facts = Object.entries(FACTS)
    .map(([figure, rows]) => `select '${figure}' as figure, f.* from (${rows}) as f(org_id, day, amount, weight)`)
    .join('\nunion all\n');
  const { rows } = await stores.query<{ figure: string; amount: string; weight: string; n: string }>(
    `with ${EVENTS},
     subtree as (select id::text as org_id from organization.organizations where path like '%/' || $1 || '/%'),
     facts as (${facts})
     select figure, sum(amount) as amount, sum(weight) as weight, count(*) as n
     from facts join subtree using (org_id)
     where day >= $2::date and day < $3::date
     group by figure`,
    [rootId, period.from, period.to],
  );
  const counts: FigureCounts = Object.fromEntries(Object.keys(FACTS).map((k) => [k, null]));
  for (const r of rows) {
    counts[r.figure] = r.figure === 'satisfaction' ? Math.round(Number(r.amount) / Number(r.weight)) : Number(r.amount);
  }
  return counts;
}

/** The roster figures: the subtree's active organisations, their contact points and active members, whatever the period. */
export async function ownerRosterCounts(stores: Pool, rootId: string): Promise<FigureCounts> {
  const { rows } = await stores.query<{ organizations: number; contact_points: number; members: number }>(
    `with subtree as (select id from organization.organizations where path like '%/' || $1 || '/%' and status = 'active')
     select (select count(*)::int from organization.organizations o join subtree on subtree.id = o.id
              -- 基层党组织: branches, general branches and township and village committees.
              where o.kind <> 'committee' or o.level in ('township', 'village')) as organizations,
            (select count(*)::int from organization.contact_points join subtree on subtree.id = org_id) as contact_points,
            (select count(*)::int from organization.members join subtree on subtree.id = org_id where membership = 'active') as members`,
    [rootId],
  );
  return { ...rows[0]! };
}

/** Years and quarters the stores' own-period events are about and their work was done in, so the filing rules are checked where they land. */
export async function ownPeriods(stores: Pool): Promise<string[]> {
  const { rows } = await stores.query<{ key: string }>(
    `with ${STORE_DAYS}
     select distinct key from (
       select case type
         when 'evaluation.ReviewApproved' then data->>'year'
         when 'evaluation.CyclePlanned' then data->>'quarter'
         when 'evaluation.MonthlyReviewConcluded' then left(data->>'month', 4)
         else data->>'period' end as key
       from (select type, (canonical::jsonb)->'data' as data from evaluation.events) e
       where type in ('evaluation.ReviewApproved', 'evaluation.OrganizationAssessed', 'evaluation.TierChanged',
                      'evaluation.CyclePlanned', 'evaluation.MonthlyReviewConcluded')
       union
       -- The years and quarters of the days the stores' work was done on (ADR 0106, 0157).
       select k from own_period, lateral (select done_on::text as d) x,
         lateral (values (left(x.d, 4)), (left(x.d, 4) || '-Q' || ((substr(x.d, 6, 2)::int + 2) / 3))) v(k)
     ) keys
     order by key`,
  );
  return rows.map((r) => r.key);
}
