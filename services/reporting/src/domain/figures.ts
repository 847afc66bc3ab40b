/**
 * Every figure the reporting service shows, with the Chinese label seed 004 uses for it and
 * the source that feeds it. `sum` figures add the amounts of their facts in the subtree and
 * period; `rate` figures weigh (amount / weight, per mille); `roster` figures count the
 * current organisation and member state (ADR 0029 state topics), whatever the period.
 */
export type FigureKind = 'sum' | 'rate' | 'roster';

export interface FigureDefinition {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly kind: FigureKind;
  /** Topic family it comes from, for the reader and the README. */
  readonly source: 'organization' | 'evaluation' | 'commendation' | 'assistance' | 'publicity';
  /** Event types whose facts add up to it. */
  readonly from: readonly string[];
}

const f = (
  key: string,
  label: string,
  unit: string,
  source: FigureDefinition['source'],
  from: readonly string[],
  kind: FigureKind = 'sum',
): FigureDefinition => ({ key, label, unit, kind, source, from });

/** Every findings stream's opening event: leader comments, mass evaluations, inspections, monthly reviews. */
const FINDINGS_FROM = [
  'evaluation.LeaderCommentMade',
  'evaluation.MassEvaluationFindingsRecorded',
  'evaluation.InspectionFindingsRecorded',
  'evaluation.MonthlyReviewFindingsRecorded',
] as const;

export const FIGURES: readonly FigureDefinition[] = [
  f('organizations', '基层党组织', '个', 'organization', ['organization.OrganizationState'], 'roster'),
  f('members', '党员', '名', 'organization', ['organization.MemberState'], 'roster'),
  f('contact_points', '领导干部联系点', '个', 'organization', ['organization.OrganizationState'], 'roster'),
  f('themes_set', '确定活动主题', '个', 'evaluation', ['evaluation.CyclePlanned']),
  f('pledges_made', '承诺事项', '件', 'evaluation', ['evaluation.PledgeMade']),
  f('pledges_filed', '承诺把关备案', '件', 'evaluation', ['evaluation.PledgeFiled']),
  f('pledges_fulfilled', '践诺完成', '件', 'evaluation', ['evaluation.PledgeFulfilled']),
  f('pledges_lapsed', '未践诺', '件', 'evaluation', ['evaluation.PledgeLapsed']),
  f('comments', '领导点评', '次', 'evaluation', ['evaluation.LeaderCommentMade']),
  f('findings', '查找缺点和不足', '条', 'evaluation', FINDINGS_FROM),
  f('measures', '提出改进措施', '条', 'evaluation', FINDINGS_FROM),
  f('rectified_on_time', '按期整改完成', '条', 'evaluation', ['evaluation.RectificationCompleted']),
  f('rectified_late', '逾期后整改完成', '条', 'evaluation', ['evaluation.RectificationCompleted']),
  f('rectifications_overdue', '整改逾期', '条', 'evaluation', ['evaluation.RectificationOverdue']),
  f('mass_evaluations', '群众满意度测评', '次', 'evaluation', ['evaluation.MassEvaluationClosed']),
  f('satisfaction', '群众满意率', '‰', 'evaluation', ['evaluation.MassEvaluationClosed'], 'rate'),
  f('grade_excellent', '民主评议优秀党员', '名', 'evaluation', ['evaluation.ReviewApproved']),
  f('grade_qualified', '民主评议合格党员', '名', 'evaluation', ['evaluation.ReviewApproved']),
  f('grade_basically_qualified', '民主评议基本合格党员', '名', 'evaluation', ['evaluation.ReviewApproved']),
  f('grade_unqualified', '民主评议不合格党员', '名', 'evaluation', ['evaluation.ReviewApproved']),
  f('tier_advanced', '评定为先进的党组织', '个', 'evaluation', ['evaluation.OrganizationAssessed']),
  f('tier_middle', '评定为中间的党组织', '个', 'evaluation', ['evaluation.OrganizationAssessed']),
  f('tier_lagging', '评定为后进的党组织', '个', 'evaluation', ['evaluation.OrganizationAssessed']),
  f('tier_upgrades', '晋档升级', '个', 'evaluation', ['evaluation.TierChanged']),
  // Seed 004's 评选先锋模范人物__余人 counts persons: a branch selected as the quarter's pioneer is a unit.
  f('pioneers', '评选先锋模范', '人', 'evaluation', ['evaluation.QuarterPioneerSelected']),
  f('pioneer_units', '评选先锋集体', '个', 'evaluation', ['evaluation.QuarterPioneerSelected']),
  // 结对“比学赶超” (seed 004): __个单位和____余名党员分别结成赶超对子，共制定比学赶超措施____条.
  f('benchmark_units', '结成赶超对子的单位', '个', 'evaluation', ['evaluation.BenchmarkChosen']),
  f('benchmark_members', '结成赶超对子的党员', '名', 'evaluation', ['evaluation.BenchmarkChosen']),
  f('benchmark_measures', '制定比学赶超措施', '条', 'evaluation', ['evaluation.BenchmarkChosen']),
  // Field work (issue 13): window services counted from the units' own records, inspections, monthly reviews, training.
  f('window_services_given', '为群众提供服务', '件次', 'evaluation', ['evaluation.WindowServicesCounted']),
  f('window_services_on_behalf', '代办服务', '件次', 'evaluation', ['evaluation.WindowServicesCounted']),
  f('window_home_services', '上门服务', '件次', 'evaluation', ['evaluation.WindowServicesCounted']),
  f('window_online_approvals', '办理网上审批事项', '件', 'evaluation', ['evaluation.WindowServicesCounted']),
  f('inspections', '督导检查', '次', 'evaluation', ['evaluation.InspectionLaunched']),
  f('units_inspected', '检查单位', '个', 'evaluation', ['evaluation.InspectionLaunched']),
  f('inspection_findings', '检查发现问题', '条', 'evaluation', ['evaluation.InspectionFindingsRecorded']),
  f('monthly_reviews', '月度观摩点评', '次', 'evaluation', ['evaluation.MonthlyReviewConcluded']),
  f('units_reviewed', '观摩点评单位', '个', 'evaluation', ['evaluation.MonthlyReviewConcluded']),
  f('training_classes', '举办培训班', '期', 'evaluation', ['evaluation.TrainingClassOpened']),
  f('trainees', '培训党员', '人次', 'evaluation', ['evaluation.TraineesEnrolled']),
  f('trainees_completed', '培训结业', '人次', 'evaluation', ['evaluation.TrainingAttendanceRecorded']),
  f('commendations', '表彰先进', '个', 'commendation', ['commendation.CommendationDecided']),
  f('commendations_revoked', '撤销表彰', '个', 'commendation', ['commendation.CommendationRevoked']),
  f('villages_paired', '包村', '个', 'assistance', ['assistance.PairingFormed']),
  f('first_secretaries', '选派第一书记', '人', 'assistance', ['assistance.CadreDispatched']),
  f('cadres_dispatched', '选派驻村干部', '人', 'assistance', ['assistance.CadreDispatched']),
  f('projects_planned', '帮扶项目', '个', 'assistance', ['assistance.ProjectPlanned']),
  f('funds_disbursed_fen', '拨付帮扶资金', '分', 'assistance', ['assistance.FundsDisbursed', 'assistance.FundMovementReversed']),
  f('deeds', '解决实际困难', '件', 'assistance', ['assistance.DeedDone', 'assistance.DeedCorrected']),
  f('households_helped', '联系帮扶户', '户', 'assistance', ['assistance.DeedDone', 'assistance.DeedCorrected']),
  f('visits', '走访慰问', '次', 'assistance', ['assistance.VisitLogged']),
  // Publicity (issue 15's public events): articles by media level, exemplars put on the honour roll.
  f('articles_published', '刊发稿件', '篇', 'publicity', ['publicity.ArticlePublished']),
  f('articles_municipal_up', '市级以上媒体刊发', '篇', 'publicity', ['publicity.ArticlePublished']),
  f('articles_central', '中央媒体刊发', '篇', 'publicity', ['publicity.ArticlePublished']),
  f('articles_provincial', '省级媒体刊发', '篇', 'publicity', ['publicity.ArticlePublished']),
  f('articles_municipal', '市级媒体刊发', '篇', 'publicity', ['publicity.ArticlePublished']),
  f('articles_county', '县级媒体刊发', '篇', 'publicity', ['publicity.ArticlePublished']),
  f('exemplars', '选树先进典型', '个', 'publicity', ['publicity.ExemplarPublished']),
  f('exemplar_units', '选树先进单位', '个', 'publicity', ['publicity.ExemplarPublished']),
  f('exemplar_individuals', '选树先进个人', '个', 'publicity', ['publicity.ExemplarPublished']),
];

export const FIGURE_BY_KEY: ReadonlyMap<string, FigureDefinition> = new Map(FIGURES.map((d) => [d.key, d]));

/**
 * Figures whose events are about one person: their stream ids name the member (`member-<id>`,
 * `review-<memberId>-<year>`), the cadre (`cadre-<id>`) or the cadre's field diary, or the
 * figure's key says what the person was judged (a grade). A trace of them lists event id, type,
 * time and organisation, never the stream: every reader of the figures may open a trace, and most
 * of them may not see who got which grade (evaluation keeps reviews to their reviewers). A figure
 * fed by the same events as one of these is one of them too: `exemplars` counts each individual
 * exemplar with `exemplar_individuals`, and its trace named by event id the streams the other hides
 * (`exemplar_units` lists the units' streams).
 */
export const PERSONAL_FIGURES: ReadonlySet<string> = new Set([
  'members',
  'grade_excellent',
  'grade_qualified',
  'grade_basically_qualified',
  'grade_unqualified',
  'pioneers',
  'benchmark_members',
  // A member's benchmark feeds its measures too: that trace would name by event id the streams benchmark_members hides.
  'benchmark_measures',
  'trainees',
  'trainees_completed',
  'first_secretaries',
  'cadres_dispatched',
  'visits',
  'exemplars',
  'exemplar_individuals',
]);

/**
 * Event types that may write several rows of one figure (`assistance.DeedCorrected` moving a deed:
 * out of one village, into another). A figure's `events` counts each such event once.
 */
export const MULTI_ROW_TYPES: readonly string[] = ['assistance.DeedCorrected'];

/** A computed figure: `value` null means no event fed it (shown as 暂无数据, never as 0). */
export interface FigureValue {
  readonly key: string;
  readonly value: number | null;
  /** How many events produced it. */
  readonly events: number;
}

/** Adds fact rows into a figure value; a rate is the weighted mean, rounded to the permille. */
export function combine(definition: FigureDefinition, facts: readonly { amount: number; weight: number }[]): FigureValue {
  if (facts.length === 0) return { key: definition.key, value: null, events: 0 };
  if (definition.kind === 'rate') {
    const weight = facts.reduce((s, x) => s + x.weight, 0);
    const amount = facts.reduce((s, x) => s + x.amount, 0);
    return { key: definition.key, value: weight === 0 ? null : Math.round(amount / weight), events: facts.length };
  }
  return { key: definition.key, value: facts.reduce((s, x) => s + x.amount, 0), events: facts.length };
}
