import { z } from 'zod';
import { defineContract } from '../contract';
import type { ContractEvent } from '../contract';
import { ballotSchema, countSchema, fenSchema, projectCategorySchema } from '../county/vocabulary';
import { daySchema } from '../organization/vocabulary';

// The assistance context's published language (issue 14): pairings, dispatched cadres,
// projects and their funds, deeds and visits, on vanguard.assistance.events.v1.
// Primitive values only and no personal data: households appear by the platform's opaque id
// (never a name, address or number), people by member id or account subject, never by name.
// Every event's envelope orgId is the village or community helped, so consumers scope by it.

const id = z.uuid();
const unitName = z.string().min(1).max(200).describe('a helper unit (帮扶单位), e.g. a banner-level department: never a person');

/** Where a project's money comes from (帮扶资金来源); balances are kept per project and source. */
export const fundSourceSchema = z
  .enum(['fiscal', 'helper_unit', 'social', 'village_collective', 'other'])
  .describe('财政专项 / 帮扶单位自筹 / 社会捐助 / 村集体 / 其他');
/** A dispatched cadre's post: 第一书记 or a member of the village work team (驻村工作队员). */
export const cadreRoleSchema = z.enum(['first_secretary', 'work_team_member']);
/** 帮扶项目 lifecycle: planned → approved → in progress → completed → accepted (验收) → evaluated. */
export const projectStatusSchema = z.enum(['planned', 'approved', 'in_progress', 'completed', 'accepted', 'evaluated']);

const balance = fenSchema.describe('what remains of this project’s funds from this source after the movement, integer fen');

export const PairingFormed = defineContract({
  context: 'assistance',
  name: 'PairingFormed',
  version: 1,
  stream: 'pairing',
  description:
    'A helper unit paired with a village or community (结对帮扶 / 包村联户) for a period with goals. A lagging village ' +
    '(相对后进村) carries its one-village plan (一村一策) and the five fixed points (五定点) of its rectification. ' +
    'Key: `pairing-<pairingId>`.',
  schema: z.object({
    pairingId: id,
    orgId: id.describe('the village or community helped'),
    helperUnitName: unitName,
    helperOrgId: id.optional().describe('the helper unit’s party organisation, when it is in the tree'),
    from: daySchema,
    to: daySchema,
    goals: z.array(z.string().min(1).max(500)).min(1).max(20),
    lagging: z.boolean().describe('a relatively lagging village under rectification (后进村整顿转化)'),
    villagePlan: z.string().min(1).max(4000).optional().describe('一村一策: present when lagging'),
    fiveFixedPoints: z
      .object({
        leaderSub: z.string().min(1).max(100).describe('旗级领导定点联系: the leader’s account subject'),
        townshipOrgId: id.describe('苏木乡镇定点指导: the township that guides'),
        helperUnitName: unitName.describe('旗直单位定点帮扶: the unit that helps'),
        cadreMemberId: id.describe('选派干部定点协调: the cadre sent, by member id'),
        supervisingOffice: z.string().min(1).max(200).describe('组织部各股室定点督办: the supervising office'),
      })
      .optional()
      .describe('五定点: present when lagging'),
  }),
});

export const CadreDispatched = defineContract({
  context: 'assistance',
  name: 'CadreDispatched',
  version: 1,
  stream: 'cadre',
  description:
    'A cadre was sent to live and work in a village (驻村干部 / 第一书记) from one day to another. By member id only. ' +
    'Key: `cadre-<cadreId>`.',
  schema: z.object({
    cadreId: id,
    memberId: id.describe('the cadre as a member of the roster'),
    orgId: id.describe('the village or community served'),
    role: cadreRoleSchema,
    sendingUnitName: unitName,
    from: daySchema,
    to: daySchema,
  }),
});

const projectRef = { projectId: id, orgId: id.describe('the village or community of the project') };

export const ProjectPlanned = defineContract({
  context: 'assistance',
  name: 'ProjectPlanned',
  version: 1,
  stream: 'project',
  description: 'An assistance project (帮扶项目) was planned for a village: category, budget, beneficiaries. Key: `project-<projectId>`.',
  schema: z.object({
    ...projectRef,
    pairingId: id.optional(),
    name: z.string().min(1).max(200),
    category: projectCategorySchema,
    budgetFen: fenSchema,
    beneficiaryHouseholds: countSchema,
    plannedOn: daySchema,
  }),
});

/** A step of the lifecycle after planning: the same shape for each, the event type says which. */
const projectStep = <N extends string>(name: N, step: string) =>
  defineContract({
    context: 'assistance',
    name,
    version: 1,
    stream: 'project',
    description: `An assistance project was ${step}. Key: \`project-<projectId>\`.`,
    schema: z.object({ ...projectRef, on: daySchema }),
  });

export const ProjectApproved = projectStep('ProjectApproved', 'approved (立项批准)');
export const ProjectStarted = projectStep('ProjectStarted', 'started (开工)');
export const ProjectCompleted = projectStep('ProjectCompleted', 'completed (完工), every milestone reached');
export const ProjectAccepted = projectStep('ProjectAccepted', 'accepted on inspection (验收)');

export const ProjectEvaluated = defineContract({
  context: 'assistance',
  name: 'ProjectEvaluated',
  version: 1,
  stream: 'project',
  description: 'An accepted project was evaluated by the people it served (群众满意度). Key: `project-<projectId>`.',
  schema: z.object({ ...projectRef, on: daySchema, satisfaction: ballotSchema }),
});

export const MilestoneReached = defineContract({
  context: 'assistance',
  name: 'MilestoneReached',
  version: 1,
  stream: 'project',
  description: 'A milestone of a project was reached; `late` when after its due day. Key: `project-<projectId>`.',
  schema: z.object({
    ...projectRef,
    milestoneId: id,
    title: z.string().min(1).max(200),
    dueOn: daySchema,
    reachedOn: daySchema,
    late: z.boolean(),
  }),
});

const movement = {
  ...projectRef,
  movementId: id,
  source: fundSourceSchema,
  amountFen: fenSchema.describe('integer fen, always positive'),
  balanceFen: balance,
  on: daySchema,
};

export const FundsAllocated = defineContract({
  context: 'assistance',
  name: 'FundsAllocated',
  version: 1,
  stream: 'project',
  description: 'Money from one source was allocated to a project (资金下达); the balance for that source grew. Key: `project-<projectId>`.',
  schema: z.object(movement),
});

export const FundsDisbursed = defineContract({
  context: 'assistance',
  name: 'FundsDisbursed',
  version: 1,
  stream: 'project',
  description:
    'Money from one source was paid out for a project (资金拨付); never more than remained from that source. ' +
    'Key: `project-<projectId>`.',
  schema: z.object({ ...movement, purpose: z.string().min(1).max(500) }),
});

export const FundMovementReversed = defineContract({
  context: 'assistance',
  name: 'FundMovementReversed',
  version: 1,
  stream: 'project',
  description:
    'A correction (冲正): an earlier allocation or disbursement is reversed by an entry of the opposite direction; ' +
    'the earlier entry stays as it was. Key: `project-<projectId>`.',
  schema: z.object({
    ...movement,
    reversesMovementId: id,
    reversedKind: z.enum(['allocation', 'disbursement']),
    reason: z.string().min(1).max(500),
  }),
});

export const DeedDone = defineContract({
  context: 'assistance',
  name: 'DeedDone',
  version: 1,
  stream: 'deed',
  description:
    'A practical thing was done for a village (办实事), logged once; evaluation’s evidence pack and reporting count it ' +
    'from this event. Key: `deed-<deedId>`.',
  schema: z.object({
    deedId: id,
    orgId: id.describe('the village or community helped'),
    pairingId: id.optional(),
    cadreId: id.optional().describe('the dispatched cadre who did it, when one did'),
    category: projectCategorySchema,
    title: z.string().min(1).max(200),
    doneOn: daySchema,
    amountFen: fenSchema.optional(),
    householdsHelped: countSchema,
  }),
});

export const DeedCorrected = defineContract({
  context: 'assistance',
  name: 'DeedCorrected',
  version: 1,
  stream: 'deed',
  description:
    'A deed announced by `DeedDone` was replaced: the county system that reported it sent it again with the same deedId ' +
    '(county.DeedRecorded). `data` is the deed as it now stands, `previous` what it was before this correction (the ' +
    'village may have changed). Still one deed: a consumer that counts deeds replaces what it counted, never adds one. ' +
    'A replacement that changes none of these fields is not announced. Key: `deed-<deedId>`, after its `DeedDone`.',
  schema: DeedDone.schema.extend({
    previous: z
      .object({
        orgId: id.describe('the village or community the deed was for before'),
        category: projectCategorySchema,
        title: z.string().min(1).max(200),
        doneOn: daySchema,
        amountFen: fenSchema.optional(),
        householdsHelped: countSchema,
      })
      .describe('the deed before this correction, as DeedDone or the previous DeedCorrected announced it'),
  }),
});

/** `assistance.VisitLogged`; the constant is prefixed because organization.VisitLogged (contact points) has the plain name. */
export const AssistanceVisitLogged = defineContract({
  context: 'assistance',
  name: 'VisitLogged',
  version: 1,
  stream: 'field-diary',
  description:
    'A dispatched cadre visited households holding their contact card (走访慰问 联系户), logged once. Households by opaque ' +
    'id only; the diary text stays in the service. Key: `field-diary-<cadreId>`, so one cadre’s visits stay in order.',
  schema: z.object({
    visitId: id,
    cadreId: id,
    orgId: id.describe('the village or community where the households live'),
    visitedOn: daySchema,
    householdIds: z.array(id).min(1).max(200),
  }),
});

/** Every assistance event, on `vanguard.assistance.events.v1`, keyed by stream. */
export const assistanceContracts = [
  PairingFormed,
  CadreDispatched,
  ProjectPlanned,
  ProjectApproved,
  ProjectStarted,
  ProjectCompleted,
  ProjectAccepted,
  ProjectEvaluated,
  MilestoneReached,
  FundsAllocated,
  FundsDisbursed,
  FundMovementReversed,
  DeedDone,
  DeedCorrected,
  AssistanceVisitLogged,
] as const;

export type AssistanceEvent = ContractEvent<(typeof assistanceContracts)[number]>;
export type FundSource = z.infer<typeof fundSourceSchema>;
export type CadreRole = z.infer<typeof cadreRoleSchema>;
export type ProjectStatus = z.infer<typeof projectStatusSchema>;
