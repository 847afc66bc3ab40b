import { z } from 'zod';

// Values the county inbound contracts share. The closed sets are the glossary's
// (GLOSSARY.md, docs/glossary.md); they live here until the evaluation and assistance
// contexts publish contracts of their own, then move to those contexts' vocabularies.

/** 民主评议党员: 优秀 / 合格 / 基本合格 / 不合格. */
export const memberGradeSchema = z.enum(['excellent', 'qualified', 'basically_qualified', 'unqualified']);
/** 群众评议 / 满意度测评: 满意 / 基本满意 / 不满意. */
export const ballotSchema = z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']);
/**
 * 十方面实事 (seed 000): 道路硬化 / 饮水安全 / 卫生室标准化 / 危房改造 / 一村一品, and `other`
 * for the rest until they are named. Adding a value later is a compatible change.
 */
export const projectCategorySchema = z.enum([
  'road_hardening',
  'drinking_water',
  'clinic_standardisation',
  'housing_renovation',
  'village_industry',
  'other',
]);

/** A campaign year (民主评议 is per member per year). */
export const yearSchema = z.number().int().min(2000).max(2100);
/** 一季一主题 / 一季一承诺: a quarter, `2011-Q2`. */
export const quarterSchema = z
  .string()
  .regex(/^20[0-9]{2}-Q[1-4]$/, 'a quarter, YYYY-Qn')
  .describe('a quarter, e.g. 2011-Q2');
/** A year (`2012`) or a quarter (`2012-Q2`): mass evaluations run yearly or every quarter. */
export const periodSchema = z
  .string()
  .regex(/^20[0-9]{2}(-Q[1-4])?$/, 'a year YYYY or a quarter YYYY-Qn')
  .describe('a year (2012) or a quarter (2012-Q2)');
/** A count of ballots, items or households: a non-negative integer. */
export const countSchema = z.number().int().min(0).max(10_000_000);
/** Money in integer fen (分); never a float. */
export const fenSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('integer fen (分); 100 fen = 1 yuan');
/**
 * The county system's own opaque reference of a household (联系户). Never a name, an
 * address, an ID-card number or a phone number: the pattern admits no CJK and no spaces,
 * and refuses a bare 18-character ID-card number or an 11-digit mobile number.
 */
export const householdRefSchema = z
  .string()
  .regex(
    /^(?![0-9]{17}[0-9Xx]$)(?!1[3-9][0-9]{9}$)[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/,
    'opaque reference: 1–64 of A–Z a–z 0–9 . _ : -, not an ID-card or mobile number',
  )
  .describe('opaque household reference assigned by the county system; never a name, address, ID-card or phone number');

// With the rule that uses it, whose file is its whole source (refinements.ts).
export { firstDayOfQuarter } from './progress-fits-pledge-and-quarter.refinement';

export type MemberGrade = z.infer<typeof memberGradeSchema>;
export type Ballot = z.infer<typeof ballotSchema>;
export type ProjectCategory = z.infer<typeof projectCategorySchema>;
