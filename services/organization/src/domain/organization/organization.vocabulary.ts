/** The glossary's values for organisations (docs/glossary.md); code uses the English identifiers. */
export const ORG_LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;
export type OrgLevel = (typeof ORG_LEVELS)[number];

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
