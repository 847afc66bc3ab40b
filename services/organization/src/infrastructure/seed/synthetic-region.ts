import { createHash } from 'node:crypto';
import { DEMO_FIELD_UNITS } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import { idNumberCheckDigit } from '../../domain/member/id-number';
import type { MemberRole, MemberStatus, VanguardPost } from '../../domain/member/member.vocabulary';
import type { Sector } from '../../domain/organization/organization.vocabulary';
import { DEMO_REGION, type SeedOrganization } from './demo-region';

/**
 * A synthetic region shaped like the seed documents: a county ≈ 541 grassroots
 * organisations and 13,378 members (seed 002); a province of 11 cities and 170
 * counties with ≥ 150,000 organisations and ≥ 3,000,000 members. Everything is derived
 * from codes with a seeded PRNG, so a second run produces the same ids (idempotent).
 */

export interface CountyPlan {
  readonly code: string;
  readonly name: string;
  readonly parentCode: string;
  /** Organisations in the county's subtree, the county committee included. */
  readonly organizations: number;
  readonly members: number;
}

export interface SeedMember {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly status: MemberStatus;
  readonly joinedOn: string;
  readonly roles: MemberRole[];
  readonly posts: VanguardPost[];
  readonly idNumber: string;
  readonly phone: string | null;
}

export const SONGLING: CountyPlan = { code: '910425', name: '松岭旗', parentCode: '9104', organizations: 541, members: 13_378 };

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const seedOf = (s: string): number => createHash('sha1').update(s).digest().readUInt32LE(0);
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

/** A uuid (version 4 layout) derived from a key, so re-seeding finds the same rows. */
export function stableUuid(key: string): string {
  const h = createHash('md5').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const PLACE =
  '青松白桦红石金河清泉长岭新华东升兴隆永安太平富民和平前进胜利团结光明向阳丰收建设朝阳幸福双山三合四方五星柳林杨树榆树桃源杏花梨园' as const;
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰红梅志强海燕春梅德明文军金凤淑珍永胜国庆晓东宏伟丽娟丽华';
const ORGANS = [
  '组织部',
  '宣传部',
  '纪委',
  '发改委',
  '财政局',
  '教育局',
  '卫生局',
  '民政局',
  '农牧局',
  '水利局',
  '交通局',
  '公安局',
  '法院',
  '检察院',
  '林业局',
  '统计局',
  '审计局',
  '人社局',
  '住建局',
  '文体局',
];

const placeName = (rnd: () => number): string => pick(rnd, [...PLACE]) + pick(rnd, [...PLACE]);

const VILLAGE_SECTORS: [Sector, number][] = [
  ['rural', 0.62],
  ['community', 0.14],
  ['private_enterprise', 0.08],
  ['public_institution', 0.06],
  ['social_organization', 0.04],
  ['state_enterprise', 0.03],
  ['university', 0.01],
  ['government_organ', 0.02],
];
function sectorFor(rnd: () => number): Sector {
  let r = rnd();
  for (const [s, w] of VILLAGE_SECTORS) {
    if ((r -= w) < 0) return s;
  }
  return 'rural';
}
const VILLAGE_SUFFIX: Record<Sector, string[]> = {
  rural: ['村党支部', '嘎查党支部', '村党总支'],
  community: ['社区党支部', '社区党总支'],
  private_enterprise: ['有限公司党支部', '合作社党支部'],
  public_institution: ['中心学校党支部', '卫生院党支部'],
  social_organization: ['协会党支部'],
  state_enterprise: ['供电所党支部', '信用社党支部'],
  university: ['职业学院党总支'],
  government_organ: ['派出所党支部', '司法所党支部'],
};

const DEMO_BY_CODE = new Map(DEMO_REGION.map((o) => [o.code, o]));
/** 松岭旗's window and service units of the field-work demo: organ branches' codes, their names (seed 004). */
const FIELD_UNIT_NAMES = new Map(DEMO_FIELD_UNITS.map((u) => [u.code, u.name]));

/** The organisations of one county's subtree, parents first; demo codes (and the field units') keep their demo names. */
export function countyOrganizations(plan: CountyPlan): SeedOrganization[] {
  const rnd = mulberry32(seedOf(`orgs:${plan.code}`));
  const out: SeedOrganization[] = [];
  const org = (o: Omit<SeedOrganization, 'id'>): SeedOrganization => {
    const demo = DEMO_BY_CODE.get(o.code);
    const fieldName = FIELD_UNIT_NAMES.get(o.code);
    const full = {
      ...o,
      ...(fieldName ? { name: fieldName } : {}),
      ...(demo ? { name: demo.name, level: demo.level, kind: demo.kind, sector: demo.sector } : {}),
      id: demoOrgId(o.code),
    };
    out.push(full);
    return full;
  };
  org({
    code: plan.code,
    name: plan.name,
    level: 'county',
    kind: 'committee',
    sector: 'government_organ',
    parentCode: plan.parentCode,
    establishedOn: '1949-11-20',
  });
  const rest = plan.organizations - 1;
  const townships = Math.max(2, Math.round(rest / 38));
  const organs = Math.round(rest * 0.08);
  const lower = rest - townships - organs;
  const towns: SeedOrganization[] = [];
  for (let t = 0; t < townships; t++) {
    const suffix = pick(rnd, ['镇', '镇', '苏木', '乡', '街道']);
    towns.push(
      org({
        code: plan.code + String(101 + t),
        name: `${placeName(rnd)}${suffix}党委`,
        level: 'township',
        kind: 'committee',
        sector: suffix === '街道' ? 'community' : 'rural',
        parentCode: plan.code,
        establishedOn: '1984-05-01',
      }),
    );
  }
  for (let g = 0; g < organs; g++) {
    org({
      code: `${plan.code}9${String(g + 1).padStart(5, '0')}`,
      name: `${plan.name}${ORGANS[g % ORGANS.length]}${g >= ORGANS.length ? `第${Math.floor(g / ORGANS.length) + 1}` : ''}机关党支部`,
      level: 'village',
      kind: g % 7 === 0 ? 'general_branch' : 'branch',
      sector: g % 5 === 4 ? 'public_institution' : 'government_organ',
      parentCode: plan.code,
      establishedOn: '1985-07-01',
    });
  }
  for (let v = 0; v < lower; v++) {
    const town = towns[v % townships]!;
    const k = Math.floor(v / townships);
    const sector = sectorFor(rnd);
    org({
      code: town.code + String(201 + k),
      name: `${placeName(rnd)}${pick(rnd, VILLAGE_SUFFIX[sector])}`,
      level: 'village',
      kind: rnd() < 0.1 ? 'general_branch' : 'branch',
      sector,
      parentCode: town.code,
      establishedOn: `${1950 + Math.floor(rnd() * 60)}-07-01`,
      temporary: rnd() < 0.01,
    });
  }
  return out;
}

/** The day the tests' members are drawn as of; `npm run seed` draws them as of the day it runs. */
export const SEED_AS_OF = '2026-07-01';

/** The first day of the month `months` before the month of `day`. */
const firstOfMonthBefore = (day: string, months: number): string => {
  const index = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 - months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
};

/**
 * Members of one county, spread over its organisations (townships get their committee,
 * branches the rest). ID numbers are unique: county code + a distinct birth date and
 * sequence per member + the GB 11643 check digit. Full members joined by 2010 (later only when
 * born late, ADR 0151); probationary ones 1 to 23 months before `asOf` (ADR 0154), so about half
 * are in their probation and half due for 转正 on that day, and none overdue.
 */
export function* countyMembers(plan: CountyPlan, orgs: readonly SeedOrganization[], asOf: string = SEED_AS_OF): Generator<SeedMember> {
  const rnd = mulberry32(seedOf(`members:${plan.code}`));
  const townships = orgs.filter((o) => o.level === 'township');
  const branches = orgs.filter((o) => o.level === 'village');
  const perTownship = 15;
  const inBranches = plan.members - perTownship * townships.length;
  const weights = branches.map(() => 0.5 + rnd());
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((w / total) * inBranches));
  let leftover = inBranches - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; leftover > 0; i = (i + 1) % counts.length, leftover--) counts[i]!++;
  const targets: [SeedOrganization, number][] = [
    ...townships.map((t) => [t, perTownship] as [SeedOrganization, number]),
    ...branches.map((b, i) => [b, counts[i]!] as [SeedOrganization, number]),
  ];
  let seq = 0;
  const birthBase = Date.UTC(1940, 0, 1);
  for (const [o, n] of targets) {
    for (let i = 0; i < n; i++, seq++) {
      const birth = new Date(birthBase + (seq % 20_000) * 86_400_000);
      const ymd = birth.toISOString().slice(0, 10).replace(/-/g, '');
      const first17 = `${plan.code}${ymd}${String(Math.floor(seq / 20_000)).padStart(3, '0')}`;
      const roles: MemberRole[] = i === 0 ? ['secretary'] : i <= 2 ? ['committee_member'] : [];
      if (i === 3 && o.sector === 'rural' && rnd() < 0.3) roles.push('first_secretary');
      if (i === 4 && o.sector === 'rural' && rnd() < 0.2) roles.push('village_official_graduate');
      if (i === 1 && rnd() < 0.3) roles.push('party_worker');
      const posts: VanguardPost[] =
        rnd() < 0.067 ? [pick(rnd, ['pioneer_post', 'model_post', 'responsibility_zone', 'model_household'] as const)] : [];
      // Births pass 1990 in a county planned past ~18,000 members: capped at 2010, they would join under eighteen (ADR 0151).
      const born = birth.getUTCFullYear();
      const joinedYear = Math.max(born + 19, Math.min(2010, born + 20 + Math.floor(rnd() * 30)));
      const name = pick(rnd, [...SURNAMES]) + pick(rnd, [...GIVEN]) + (rnd() < 0.5 ? pick(rnd, [...GIVEN]) : '');
      const status: MemberStatus = rnd() < 0.05 ? 'probationary' : 'full';
      const month = 1 + Math.floor(rnd() * 12);
      // A 预备党员 is in his first year or two (ADR 0154), not decades back with the full members.
      const joinedOn =
        status === 'probationary' ? firstOfMonthBefore(asOf, 2 * month - 1) : `${joinedYear}-${String(month).padStart(2, '0')}-01`;
      yield {
        id: stableUuid(`member:${o.code}:${i}`),
        orgId: o.id,
        name,
        status,
        joinedOn,
        roles,
        posts,
        idNumber: first17 + idNumberCheckDigit(first17),
        phone: rnd() < 0.7 ? `13${String(Math.floor(rnd() * 1e9)).padStart(9, '0')}` : null,
      };
    }
  }
}

/** The province: 示范省 with 11 cities and 170 counties; 松岭旗 keeps its county-seed shape. */
export function provincePlan(): { cities: SeedOrganization[]; counties: CountyPlan[] } {
  const rnd = mulberry32(seedOf('province:91'));
  const cities: SeedOrganization[] = [];
  const counties: CountyPlan[] = [];
  const countiesPerCity = [16, 15, 16, 15, 15, 16, 15, 16, 15, 15, 16]; // 170
  for (let c = 0; c < 11; c++) {
    const code = `91${String(c + 1).padStart(2, '0')}`;
    const demo = DEMO_BY_CODE.get(code);
    cities.push({
      id: demoOrgId(code),
      code,
      name: demo?.name ?? `${placeName(rnd)}市`,
      level: 'city',
      kind: 'committee',
      sector: 'government_organ',
      parentCode: '91',
      establishedOn: '1983-10-10',
    });
    for (let k = 0; k < countiesPerCity[c]!; k++) {
      const countyCode = `${code}${String(21 + k).padStart(2, '0')}`;
      if (countyCode === SONGLING.code) {
        counties.push(SONGLING);
        continue;
      }
      const demoCounty = DEMO_BY_CODE.get(countyCode);
      counties.push({
        code: countyCode,
        name: demoCounty?.name ?? `${placeName(rnd)}${pick(rnd, ['县', '县', '旗', '区'])}`,
        parentCode: code,
        organizations: 885,
        members: 17_700,
      });
    }
  }
  return { cities, counties };
}
