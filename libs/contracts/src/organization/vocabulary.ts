import { z } from 'zod';

/** Values from the glossary (organisations and members); code uses the English identifiers. */
export const orgLevelSchema = z.enum(['province', 'city', 'county', 'township', 'village']);
export const orgKindSchema = z.enum(['committee', 'general_branch', 'branch']);
export const sectorSchema = z.enum([
  'rural',
  'community',
  'state_enterprise',
  'government_organ',
  'university',
  'public_institution',
  'private_enterprise',
  'social_organization',
]);
export const memberStatusSchema = z.enum(['full', 'probationary']);
export const memberRoleSchema = z.enum([
  'secretary',
  'committee_member',
  'party_worker',
  'first_secretary',
  'village_official_graduate',
  'party_building_instructor',
]);
/** 党员先锋岗 / 示范岗 / 责任区 / 示范户 ("亮牌示范"). */
export const vanguardPostSchema = z.enum(['pioneer_post', 'model_post', 'responsibility_zone', 'model_household']);
/** Hierarchical organisation code: `13` → `1301` → `130102`… */
export const orgCodeSchema = z.string().regex(/^[0-9]{2,}$/, 'hierarchical numeric code');
export const orgNameSchema = z.string().min(1).max(200);
/** A calendar day, `YYYY-MM-DD`. */
export const daySchema = z.iso.date();

export type OrgLevel = z.infer<typeof orgLevelSchema>;
export type OrgKind = z.infer<typeof orgKindSchema>;
export type Sector = z.infer<typeof sectorSchema>;
export type MemberStatus = z.infer<typeof memberStatusSchema>;
export type MemberRole = z.infer<typeof memberRoleSchema>;
export type VanguardPost = z.infer<typeof vanguardPostSchema>;
