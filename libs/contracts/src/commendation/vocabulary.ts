import { z } from 'zod';
import { orgLevelSchema } from '../organization/vocabulary';

// The commendation context's vocabulary (GLOSSARY.md, "Commendation"): who awards, what is
// awarded, who is nominated, and how a public notice counts its days.

/** 表彰 is awarded by a county, a city or a province (seed 001: 省、市、县(市、区)各级党委). */
export const awardLevelSchema = z.enum(['county', 'city', 'province']);
/** 先进基层党组织 / 优秀共产党员 / 优秀党务工作者 / 先进县(市、区)委. */
export const awardCategorySchema = z.enum([
  'advanced_organization',
  'outstanding_member',
  'outstanding_party_worker',
  'advanced_county_committee',
]);
/** A nominee is a member (outstanding member or party worker) or an organisation (advanced organisation or county committee). */
export const nomineeKindSchema = z.enum(['member', 'organization']);
/** 公示期 counted in calendar days or in working days (weekends and public holidays not counted, make-up days counted). */
export const noticeDayKindSchema = z.enum(['calendar', 'working']);
/** An organisation level that reviews nominations on their way up (乡镇 → 县 → 市 → 省). */
export const reviewLevelSchema = orgLevelSchema.exclude(['village']);

export type AwardLevel = z.infer<typeof awardLevelSchema>;
export type AwardCategory = z.infer<typeof awardCategorySchema>;
export type NomineeKind = z.infer<typeof nomineeKindSchema>;
export type NoticeDayKind = z.infer<typeof noticeDayKindSchema>;
export type ReviewLevel = z.infer<typeof reviewLevelSchema>;
