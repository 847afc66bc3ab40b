/** The glossary's values for organisations (docs/glossary.md); code uses the English identifiers. */
export const ORG_LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];
/** The glossary's Chinese for each level: what a refusal's Chinese half names. */
export const ORG_LEVEL_LABEL: Readonly<Record<OrgLevel, string>> = {
  province: '省级',
  city: '市级',
  county: '县（旗、区）级',
  township: '乡镇（苏木、街道）级',
  village: '村（嘎查、社区）级',
};

export const ORG_KINDS = ['committee', 'general_branch', 'branch'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const SECTORS = [
  'rural',
  'community',
  'state_enterprise',
  'government_organ',
  'university',
  'public_institution',
  'private_enterprise',
  'social_organization',
] as const;
export type Sector = (typeof SECTORS)[number];

export const ORG_STATUSES = ['active', 'merged', 'dissolved'] as const;
export type OrgStatus = (typeof ORG_STATUSES)[number];

export const levelRank = (level: OrgLevel): number => ORG_LEVELS.indexOf(level);
