import { FIGURE_BY_KEY, type FigureValue } from './figures';
import type { Period } from './period';

/** A piece of a paragraph: plain text, or a figure that must be filled from data. */
export type Segment = { readonly text: string } | { readonly figure: string };

export interface SummarySection {
  readonly heading: string;
  readonly paragraphs: readonly (readonly Segment[])[];
}

/** The work summary as a document model; Markdown and .docx render the same model. */
export interface WorkSummary {
  readonly title: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly period: Period;
  readonly sections: readonly SummarySection[];
  readonly figures: ReadonlyMap<string, FigureValue>;
}

const t = (text: string): Segment => ({ text });
const n = (figure: string): Segment => ({ figure });

/** How a figure reads in prose: its number and unit, money in 元, or 暂无数据 when nothing fed it. */
export function figureText(key: string, value: FigureValue | undefined): string {
  const d = FIGURE_BY_KEY.get(key);
  if (!d) throw new Error(`unknown figure ${key}`);
  if (!value || value.value === null) return '暂无数据';
  if (key === 'funds_disbursed_fen') return `${(value.value / 100).toFixed(2)}元`;
  if (d.kind === 'rate') return `${(value.value / 10).toFixed(1)}%`;
  return `${value.value}${d.unit}`;
}

const has = (v: ReadonlyMap<string, FigureValue>, key: string) => (v.get(key)?.value ?? null) !== null;
const val = (v: ReadonlyMap<string, FigureValue>, key: string) => v.get(key)?.value ?? 0;

/**
 * The problems paragraph is read from the data too: lapsed pledges, overdue rectifications,
 * lagging organisations, and the campaign's own blind spots (figures nobody recorded).
 */
function problems(v: ReadonlyMap<string, FigureValue>): Segment[][] {
  const out: Segment[][] = [];
  let i = 0;
  const ordinal = () => `${'一二三四五六七八九'[i++] ?? String(i)}是`;
  if (val(v, 'pledges_lapsed') > 0)
    out.push([t(`${ordinal()}部分承诺未能兑现，未践诺承诺 `), n('pledges_lapsed'), t('，需加强跟踪督办。')]);
  if (val(v, 'rectifications_overdue') > 0)
    out.push([t(`${ordinal()}部分问题整改不及时，整改逾期 `), n('rectifications_overdue'), t('，需限期整改到位。')]);
  if (val(v, 'tier_lagging') > 0) out.push([t(`${ordinal()}仍有后进党组织 `), n('tier_lagging'), t('，需加大整顿转化力度。')]);
  // 一季一先锋 was held if a person or a unit was selected.
  const missing = ['pledges_made', 'comments', 'pioneers', 'villages_paired'].filter(
    (k) => !has(v, k) && !(k === 'pioneers' && has(v, 'pioneer_units')),
  );
  if (missing.length > 0)
    out.push([
      t(`${ordinal()}活动开展不够平衡，以下工作本期暂无数据：${missing.map((k) => FIGURE_BY_KEY.get(k)?.label ?? k).join('、')}。`),
    ]);
  if (out.length === 0) out.push([t('本期数据未反映出突出问题，仍需持续巩固提升。')]);
  return out;
}

/**
 * Seed 004's district work summary, structure and wording kept, every blank (`__`) a figure
 * from data. Passages seed 004 fills with figures this platform does not record (GDP, media
 * columns opened, briefings) are left out rather than invented.
 */
export function buildWorkSummary(input: {
  orgId: string;
  orgName: string;
  period: Period;
  figures: ReadonlyMap<string, FigureValue>;
}): WorkSummary {
  const { orgName: o, figures: v } = input;
  const sections: SummarySection[] = [
    {
      heading: '',
      paragraphs: [
        [
          t(
            `${input.period.label}，${o}按照上级党组织和创先争优活动领导小组的安排部署，紧紧围绕推动科学发展、促进社会和谐、服务人民群众、加强基层组织的目标任务，扎实推动创先争优活动开展，充分发挥党组织的战斗堡垒作用和党员的先锋模范作用。`,
          ),
        ],
      ],
    },
    {
      heading: '一、创先争优活动主要做法',
      paragraphs: [
        [
          t('（一）强化组织领导，确保创先争优活动顺利推进。建立了创先争优活动领导干部联系点制度，全区（县）现有基层党组织 '),
          n('organizations'),
          t('，党员 '),
          n('members'),
          t('，领导干部联系点 '),
          n('contact_points'),
          t('。'),
        ],
        [
          t(
            '（二）规范方式步骤，推动“四个一”活动开展。按照“一季一主题、一季一承诺、一季一点评、一季一先锋”的要求，各级党组织共确定活动主题 ',
          ),
          n('themes_set'),
          t('，承诺事项 '),
          n('pledges_made'),
          t('，其中上级把关备案 '),
          n('pledges_filed'),
          t('；各级领导深入点评 '),
          n('comments'),
          t('，查找缺点和不足 '),
          n('findings'),
          t('，提出改进措施 '),
          n('measures'),
          t('；评选先锋模范 '),
          n('pioneers'),
          t('，先锋集体 '),
          n('pioneer_units'),
          t('。'),
        ],
        [
          t('（三）深入联系群众，扎实开展结对帮扶活动。共包村 '),
          n('villages_paired'),
          t('，选派驻村干部 '),
          n('cadres_dispatched'),
          t('；实施帮扶项目 '),
          n('projects_planned'),
          t('，拨付帮扶资金 '),
          n('funds_disbursed_fen'),
          t('；解决实际困难 '),
          n('deeds'),
          t('，惠及群众 '),
          n('households_helped'),
          t('，走访慰问 '),
          n('visits'),
          t('。'),
        ],
        [
          t('（四）优化服务质量，大力推进窗口单位和服务行业创先争优。各窗口单位履行服务承诺，为群众提供服务 '),
          n('window_services_given'),
          t('、代办服务 '),
          n('window_services_on_behalf'),
          t('、上门服务 '),
          n('window_home_services'),
          t('，办理网上审批事项 '),
          n('window_online_approvals'),
          t('。'),
        ],
        [
          t('（五）围绕“五个一”工作主线，深入开展基层组织建设年活动。以整顿转化后进村为重点，选派第一书记 '),
          n('first_secretaries'),
          t('，晋档升级 '),
          n('tier_upgrades'),
          t('；全面开展结对“比学赶超”活动，结成赶超对子的单位 '),
          n('benchmark_units'),
          t('、党员 '),
          n('benchmark_members'),
          t('，共制定比学赶超措施 '),
          n('benchmark_measures'),
          t('；举办培训班 '),
          n('training_classes'),
          t('，培训党员 '),
          n('trainees'),
          t('，其中结业 '),
          n('trainees_completed'),
          t('。'),
        ],
        [
          t('（六）注重典型引导，营造浓郁创争氛围。已表彰先进 '),
          n('commendations'),
          t('，培育和选树先进单位 '),
          n('exemplar_units'),
          t('，先进个人 '),
          n('exemplar_individuals'),
          t('；对先进典型事迹进行宣传报道，共刊发稿件 '),
          n('articles_published'),
          t('，其中在市级以上媒体刊发 '),
          n('articles_municipal_up'),
          t('，中央媒体刊发 '),
          n('articles_central'),
          t('；开展群众满意度测评 '),
          n('mass_evaluations'),
          t('，民主评议优秀党员 '),
          n('grade_excellent'),
          t('。'),
        ],
        [
          t('（七）实施月度观摩点评，注重考核结果运用。采取专项检查与随机抽查相结合的方式开展督导检查 '),
          n('inspections'),
          t('，检查单位 '),
          n('units_inspected'),
          t('，发现问题 '),
          n('inspection_findings'),
          t('；围绕季度主题开展月度观摩点评 '),
          n('monthly_reviews'),
          t('，观摩点评单位 '),
          n('units_reviewed'),
          t('。'),
        ],
      ],
    },
    {
      // Seed 004's (一) 推动了经济社会科学发展 is GDP and investment: not recorded here, so left out.
      heading: '二、取得的成效',
      paragraphs: [
        [
          t('（一）党员干部的思想认识不断提高、观念和作风进一步转变。践诺完成 '),
          n('pledges_fulfilled'),
          t('，未践诺 '),
          n('pledges_lapsed'),
          t('；按期整改完成 '),
          n('rectified_on_time'),
          t('，逾期后整改完成 '),
          n('rectified_late'),
          t('，整改逾期 '),
          n('rectifications_overdue'),
          t('。'),
        ],
        [
          t('（二）基层组织建设水平显著提升。评定为先进的党组织 '),
          n('tier_advanced'),
          t('、中间 '),
          n('tier_middle'),
          t('、后进 '),
          n('tier_lagging'),
          t('，晋档升级 '),
          n('tier_upgrades'),
          t('。'),
        ],
        [
          t('（三）广大群众得到了更多的实惠。举全力解决事关群众切身利益的实际困难 '),
          n('deeds'),
          t('，群众满意率 '),
          n('satisfaction'),
          t('。'),
        ],
      ],
    },
    {
      heading: '三、存在的问题及下一步打算',
      paragraphs: [
        [t('创先争优活动虽然做了些工作，取得了一定成绩，但还存在一些不容忽视的问题，主要表现在：')],
        ...problems(v),
        [
          t(
            '下一步，将进一步深化“一季一主题、一季一承诺、一季一点评、一季一先锋”推进机制，抓领导、落实责任，树典型、营造氛围，抓载体、突出实效，抓督查、强力推进。',
          ),
        ],
      ],
    },
  ];
  return {
    title: `${o}创先争优工作总结（${input.period.label}）`,
    orgId: input.orgId,
    orgName: o,
    period: input.period,
    sections,
    figures: v,
  };
}

/** Figures in order of first mention: the footnote numbers. */
export function figuresMentioned(summary: WorkSummary): string[] {
  const seen: string[] = [];
  for (const s of summary.sections)
    for (const p of s.paragraphs) for (const seg of p) if ('figure' in seg && !seen.includes(seg.figure)) seen.push(seg.figure);
  return seen;
}
