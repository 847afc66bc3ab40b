import { DEMO_FIELD_UNITS } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import { TOWNSHIP, VILLAGE } from './demo-support';

/** One zone of the demo: its name, the leader guiding it, its units in the order they are named. */
export interface DemoZone {
  readonly name: string;
  readonly leader: string;
  readonly units: readonly string[];
}

const OTHER_TOWNSHIP = demoOrgId('910425102');
const field = DEMO_FIELD_UNITS.map((u) => demoOrgId(u.code));

/** Names of zones 3 to 15, each over three window or service units, in DEMO_FIELD_UNITS' order. */
const SERVICE_ZONES = [
  '政务服务',
  '社保医保',
  '公安消防',
  '政法服务',
  '民政信访',
  '医疗卫生',
  '公用事业',
  '金融邮政',
  '市场就业',
  '教育',
  '文化广电',
  '城市管理',
  '农牧气象',
];
const ORDINALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];

/**
 * The subject of the realm's `zone.leader.NN` (infra/keycloak/vanguard-realm.json): the realm fixes
 * these users' ids so the seed knows whom their tokens name before Keycloak imports it (ADR 0067).
 */
export const zoneLeaderSubject = (n: number): string => `00000000-0000-4000-a000-${String(n).padStart(12, '0')}`;
export const zoneLeaderUsername = (n: number): string => `zone.leader.${String(n).padStart(2, '0')}`;

/**
 * 松岭旗 divided into fifteen zones as seed 004's district is: the two townships' (白桦镇 with 红石村;
 * 河口镇 with the river's water and forestry stations) and thirteen of the county's window and service
 * units, three each. Zone NN is guided by the county leader who signs in as `zone.leader.NN`.
 */
export const DEMO_ZONES: readonly DemoZone[] = [
  { name: '第一片区（白桦镇）', units: [TOWNSHIP, VILLAGE] },
  { name: '第二片区（河口镇）', units: [OTHER_TOWNSHIP, ...field.slice(0, 2)] },
  ...SERVICE_ZONES.map((theme, i) => ({ name: `第${ORDINALS[i + 2]}片区（${theme}）`, units: field.slice(2 + 3 * i, 5 + 3 * i) })),
].map((z, i) => ({ ...z, leader: zoneLeaderSubject(i + 1) }));

/** What on-site reviews find most often (seed 004's 三亮三比三评), and the rectification each asks for. */
export const DEMO_FINDINGS: readonly { problem: string; rectification: string }[] = [
  { problem: '党员先锋岗亮牌不全', rectification: '为全部先锋岗党员挂牌亮身份' },
  { problem: '服务承诺未在窗口醒目位置公开', rectification: '在服务窗口公开岗位职责、办事流程、服务纪律和服务电话' },
  { problem: '群众评议意见未逐条反馈', rectification: '对评议意见逐条整改并在公开栏反馈' },
  { problem: '一次告知制度落实不到位', rectification: '制作一次性告知单，推行首问负责' },
  { problem: '服务台账记录不规范', rectification: '按月整理服务台账，做到有据可查' },
];

/**
 * A unit's points on rubric v2's ten criteria (each out of 10) in last month's round: 红石村 and 白桦镇
 * keep the figures the demo always had; the others differ by zone and place so ranks differ.
 */
export function demoPoints(zone: number, place: number): number[] {
  if (zone === 0) return place === 0 ? [9, 8, 9, 10, 8, 9, 9, 8, 9, 9] : [8, 9, 7, 6, 9, 7, 8, 8, 9, 7];
  const base = 7 + ((zone + place * 2) % 3);
  return Array.from({ length: 10 }, (_, i) => Math.min(10, base + ((i + zone + place) % 3) - 1));
}
