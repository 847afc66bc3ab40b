import { z } from 'zod';
import { defineContract } from '../contract';
import { commendationDecisionSchema } from './decision';
import { awardCategorySchema, reviewLevelSchema } from './vocabulary';

// 名额: the places a subordinate unit uses, level by level, as a stream of its own per programme
// and unit, `places-<programmeId>.<unitOrgId>`. A nomination takes a place at its submission and
// at every level that endorses it, in the same append as the nomination's own event, expecting
// the places stream's version: two reviewers cannot both take the unit's last place. A
// nomination that leaves the running (rejected, withdrawn) frees its places; an amended one
// frees the reviewing levels' (it climbs again from the first).

const id = z.uuid();

/** Where the place is held: `nominator` for the submission, else the reviewing level that forwarded it. */
export const placeLevelSchema = z.union([z.literal('nominator'), reviewLevelSchema]);

export const PlaceGranted = defineContract({
  context: 'commendation',
  name: 'PlaceGranted',
  version: 1,
  stream: 'places',
  description:
    'A unit’s nomination took one of its places in a category at a level (its submission, or a level endorsing it), within the places allocated.',
  schema: z.object({
    programmeId: id,
    unitOrgId: id,
    category: awardCategorySchema,
    level: placeLevelSchema,
    nominationId: id,
    nomineeId: id
      .optional()
      .describe('the member or organisation nominated, so the unit’s places tell who holds them (grants before 2026-12-02 carry none)'),
    places: z.int().min(0).describe('the places allocated to the unit in the category'),
    usedBefore: z.int().min(0).describe('places of the unit, category and level held by other nominations before this one'),
    decision: commendationDecisionSchema,
  }),
});

export const PlacesReleased = defineContract({
  context: 'commendation',
  name: 'PlacesReleased',
  version: 1,
  stream: 'places',
  description:
    'A nomination gave back the places it held: all of them when it left the running (rejected, withdrawn), the reviewing levels’ when it was amended.',
  schema: z.object({
    programmeId: id,
    unitOrgId: id,
    category: awardCategorySchema,
    nominationId: id,
    levels: z.array(placeLevelSchema).min(1).max(5),
    because: z.enum(['rejected', 'withdrawn', 'amended']),
    decision: commendationDecisionSchema,
  }),
});

export const placesContracts = [PlaceGranted, PlacesReleased] as const;
