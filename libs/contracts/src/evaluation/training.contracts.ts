import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { decisionSchema } from './decision';

// 教育培训 (seed 000: 3,251 classes for 202,000 people on 55 bases; seeds 001, 003: new members,
// village-official graduates, entrepreneurship skills). One stream per class, `training-class-<id>`:
// opened by the organising level, trainees enrolled from the roster, attendance recorded after it ends.

const id = z.uuid();

export const trainingTargetGroupSchema = z.enum([
  'branch_secretaries',
  'new_members',
  'village_official_graduates',
  'private_enterprise_party_leaders',
  'members',
]);

export const TrainingClassOpened = defineContract({
  context: 'evaluation',
  name: 'TrainingClassOpened',
  version: 1,
  stream: 'training-class',
  description: 'A training class (培训班) was opened by an organisation: topic, base, dates, sessions and the group it trains.',
  schema: z.object({
    classId: id,
    orgId: id.describe('the organising organisation; trainees come from its subtree'),
    topic: z.string().min(1).max(500),
    base: z.string().min(1).max(200).describe('the training base (培训基地) or venue'),
    targetGroup: trainingTargetGroupSchema,
    startsOn: daySchema,
    endsOn: daySchema,
    sessions: z.int().min(1).max(500).describe('the sessions (课时) a trainee may attend'),
    decision: decisionSchema,
  }),
});

export const TraineesEnrolled = defineContract({
  context: 'evaluation',
  name: 'TraineesEnrolled',
  version: 1,
  stream: 'training-class',
  description: 'Members were enrolled in a class, each read from the roster as an active member of the organiser’s subtree.',
  schema: z.object({
    classId: id,
    trainees: z
      .array(z.object({ memberId: id, orgId: id.describe('the member’s organisation per the roster') }))
      .min(1)
      .max(500),
    decision: decisionSchema,
  }),
});

/** The most trainees one class holds: its attendance is recorded in one event, for every trainee. */
export const MAX_CLASS_TRAINEES = 500;

export const TrainingAttendanceRecorded = defineContract({
  context: 'evaluation',
  name: 'TrainingAttendanceRecorded',
  version: 1,
  stream: 'training-class',
  description:
    'After a class ended, the sessions each trainee attended and whether that completes the class (the completion rule and version are in the decision).',
  schema: z.object({
    classId: id,
    attendance: z
      .array(z.object({ memberId: id, sessionsAttended: z.int().min(0), completed: z.boolean() }))
      .min(1)
      .max(MAX_CLASS_TRAINEES),
    decision: decisionSchema,
  }),
});

export const trainingContracts = [TrainingClassOpened, TraineesEnrolled, TrainingAttendanceRecorded] as const;
