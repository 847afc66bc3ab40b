import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { commendationDecidedBySchema, commendationDecisionSchema } from './decision';

// 异议: anyone may object to a noticed nomination while the notice runs, named or anonymous;
// the objector's name and contact never enter the event (the service keeps them apart, so
// they can be erased); the objection is assigned to an investigator (纪检, role `inspector`),
// who upholds it (the nomination is withdrawn) or dismisses it, with findings. One stream per
// objection, `objection-<objectionId>`.

const id = z.uuid();

export const trackingCodeSchema = z
  .string()
  .regex(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/, 'XXXX-XXXX-XXXX, upper-case letters and digits')
  .describe('given to the objector to follow the objection; issued by the service');

export const ObjectionFiled = defineContract({
  context: 'commendation',
  name: 'ObjectionFiled',
  version: 1,
  stream: 'objection',
  description:
    'Someone objected to a noticed nomination during the notice period (named or anonymous); the event carries no name or contact of the objector.',
  schema: z.object({
    objectionId: id,
    programmeId: id,
    nominationId: id,
    awardingOrgId: id,
    trackingCode: trackingCodeSchema,
    named: z.boolean().describe('the objector gave a name (kept by the service, not here)'),
    hasContact: z.boolean().describe('the objector left a way to be contacted (kept by the service, not here)'),
    grounds: z.string().min(1).max(4000).describe('what the objection says; refused if it carries an ID-card or phone number'),
    filedOn: daySchema,
    notice: z.object({ streamId: z.string().min(1).max(200), version: z.int().min(1), round: z.int().min(1) }),
  }),
});

export const ObjectionAssigned = defineContract({
  context: 'commendation',
  name: 'ObjectionAssigned',
  version: 1,
  stream: 'objection',
  description: 'The objection was assigned (or reassigned) to an investigator of the discipline-inspection office.',
  schema: z.object({ objectionId: id, investigator: commendationDecidedBySchema, decision: commendationDecisionSchema }),
});

export const ObjectionUpheld = defineContract({
  context: 'commendation',
  name: 'ObjectionUpheld',
  version: 1,
  stream: 'objection',
  description: 'The investigator upheld the objection with findings; the nomination is withdrawn.',
  schema: z.object({
    objectionId: id,
    programmeId: id,
    nominationId: id,
    findings: z.string().min(1).max(8000),
    decision: commendationDecisionSchema,
  }),
});

export const ObjectionDismissed = defineContract({
  context: 'commendation',
  name: 'ObjectionDismissed',
  version: 1,
  stream: 'objection',
  description: 'The investigator dismissed the objection with findings; the nomination stays on the shortlist.',
  schema: z.object({
    objectionId: id,
    programmeId: id,
    nominationId: id,
    findings: z.string().min(1).max(8000),
    decision: commendationDecisionSchema,
  }),
});

export const objectionContracts = [ObjectionFiled, ObjectionAssigned, ObjectionUpheld, ObjectionDismissed] as const;
