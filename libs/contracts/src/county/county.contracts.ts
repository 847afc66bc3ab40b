import { z } from 'zod';
import { defineContract } from '../contract';
import type { ContractEvent } from '../contract';
import { refineBy } from '../refinements';
import { COUNTY_INBOUND_TOPIC } from '../topics';
import { daySchema, memberRoleSchema, memberStatusSchema, vanguardPostSchema } from '../organization/vocabulary';
import { countSchema, fenSchema, householdRefSchema, periodSchema, projectCategorySchema, quarterSchema, yearSchema } from './vocabulary';
import { eachValueOnce } from './each-value-once.refinement';
import { progressFitsPledgeAndQuarter } from './progress-fits-pledge-and-quarter.refinement';
import { tallyFits } from './tally-fits.refinement';
import { windowServiceKindSchema } from '../evaluation/window-unit.contracts';

// What county systems (Keycloak service accounts such as `county-songling`) publish on
// vanguard.county.inbound.v1. Primitive values only. Organisations are named by the platform's
// ids; members by the county system's own ids, which organization maps to platform members
// (county_member_links, organization.CountyMemberLinked) and every translation uses. Members are never
// identified by ID-card numbers or phone numbers: the schemas have no such fields, and
// parsing drops any that a county system sends by mistake.
//
// Constants are `County<EventName>` so they never clash with the platform's own events of
// the same glossary name (organization.VisitLogged, evaluation.PledgeProgressReported).
//
// The schemas cannot know the tree: a consumer must still check that every organisation
// an event names lies inside the publishing system's own county (the actor's orgId). Each
// contract's `subject` binds the streamId, and so the Kafka key, to an id in the data.

const id = z.uuid();
const personName = z.string().min(1).max(100);
const note = z.string().min(1).max(2000);
// Members in county messages are the county's own ids (issue 17); only this description says so.
const COUNTY_MEMBER_ID = 'the county system’s own id for the person; organization maps it to a platform member (CountyMemberLinked)';

const uniqueList = <T extends z.ZodType<string>>(item: T, max: number) => refineBy(z.array(item).max(max), eachValueOnce);

const ballotsIssued = countSchema.describe('发出票数: ballots handed out');
const ballotsReturned = countSchema.describe('收回票数: ballots returned; at most ballotsIssued');
// Unknown keys elsewhere are dropped, but a vote for an unknown value must not vanish from a tally.
const STRICT_VOTES = 'a value not listed here is refused, not dropped';
const TALLY_RULE = 'ballotsReturned ≤ ballotsIssued; the votes add up to at most ballotsReturned (the rest were blank or spoilt)';

// ── Roster sync (花名册同步) → organization ─────────────────────────────────────────────

export const CountyRosterMemberSynced = defineContract({
  context: 'county',
  name: 'RosterMemberSynced',
  version: 1,
  stream: 'roster-member',
  topic: COUNTY_INBOUND_TOPIC,
  subject: { name: 'memberId', of: (d) => d.memberId },
  description:
    'A county roster (花名册) holds this member as stated: the full current record, which creates the member or replaces ' +
    'the previous record — except the joining day, which begins the member’s history: a record naming another `joinedOn` than the ' +
    'platform’s is refused `MEMBER.JOINED_ON_DIFFERS`, none of it applied. No ID-card number or phone number is carried: a ' +
    '`name` reading as one is refused `MEMBER.NAME_HAS_PERSONAL_NUMBER`. A probation lasts a year: `status` `full` for a member ' +
    'who joined less than a year before the message is applied, new or until then probationary, is refused ' +
    '`MEMBER.FULL_BEFORE_PROBATION_ENDS`; `probationary` for a member the platform holds as full (a 转正 recorded in the console) is ' +
    'refused `MEMBER.ALREADY_FULL`. ' +
    'Consumed by organization. Key: `roster-member-<memberId>`.',
  schema: z.object({
    memberId: id.describe(`${COUNTY_MEMBER_ID}; stable across syncs`),
    orgId: id.describe('the branch (党支部) or other organisation the member belongs to'),
    name: personName.describe('display name only'),
    status: memberStatusSchema,
    joinedOn: daySchema.describe('入党日期'),
    roles: uniqueList(memberRoleSchema, memberRoleSchema.options.length),
    posts: uniqueList(vanguardPostSchema, vanguardPostSchema.options.length).describe('党员先锋岗 / 示范岗 / 责任区 / 示范户 held'),
  }),
});

export const CountyRosterMemberRemoved = defineContract({
  context: 'county',
  name: 'RosterMemberRemoved',
  version: 1,
  stream: 'roster-member',
  topic: COUNTY_INBOUND_TOPIC,
  subject: { name: 'memberId', of: (d) => d.memberId },
  description:
    'A member was removed from a county roster (花名册) other than by transfer. Consumed by organization. ' +
    'Key: `roster-member-<memberId>`.',
  schema: z.object({
    memberId: id.describe(COUNTY_MEMBER_ID),
    orgId: id.describe('the organisation the member belonged to'),
    removedOn: daySchema,
    reason: z.string().min(1).max(500).optional(),
  }),
});

// ── Pledge progress (践诺) and ballot tallies (计票) → evaluation ───────────────────────

export const CountyPledgeProgressReported = defineContract({
  context: 'county',
  name: 'PledgeProgressReported',
  version: 1,
  stream: 'pledge',
  topic: COUNTY_INBOUND_TOPIC,
  subject: { name: 'pledgeId', of: (d) => d.pledgeId },
  description:
    'Progress on a public pledge (公开承诺 → 践诺) of a member or an organisation in a quarter (一季一承诺): how many ' +
    'of the pledged items are done so far. Consumed by evaluation. Key: `pledge-<pledgeId>`.',
  schema: refineBy(
    z.object({
      pledgeId: id,
      orgId: id.describe('the pledging organisation, or the branch of the pledging member'),
      memberId: id.nullable().describe(`the pledging member: ${COUNTY_MEMBER_ID}; null when the organisation itself pledged`),
      quarter: quarterSchema,
      itemsPledged: countSchema.min(1).describe('承诺事项: items pledged'),
      itemsCompleted: countSchema.describe('items done so far; at most itemsPledged'),
      reportedOn: daySchema.describe('not before the first day of the quarter'),
      note: note.describe('践诺情况: what was done'),
    }),
    progressFitsPledgeAndQuarter,
  ),
});

export const CountyDemocraticReviewTallied = defineContract({
  context: 'county',
  name: 'DemocraticReviewTallied',
  version: 1,
  stream: 'democratic-review',
  topic: COUNTY_INBOUND_TOPIC,
  subject: { name: 'memberId', of: (d) => d.memberId },
  description:
    'The ballot count of a democratic review of a party member (民主评议党员) for a year: votes per grade ' +
    '(优秀/合格/基本合格/不合格). A later tally for the same member and year replaces an earlier one. ' +
    `${TALLY_RULE}. Consumed by evaluation. Key: \`democratic-review-<memberId>\`.`,
  schema: refineBy(
    z.object({
      memberId: id.describe(`the member reviewed: ${COUNTY_MEMBER_ID}`),
      orgId: id.describe('the branch that held the review'),
      year: yearSchema,
      heldOn: daySchema,
      ballotsIssued,
      ballotsReturned,
      votes: z
        .strictObject({ excellent: countSchema, qualified: countSchema, basically_qualified: countSchema, unqualified: countSchema })
        .describe(`votes per grade (MemberGrade), adding up to at most ballotsReturned; ${STRICT_VOTES}`),
    }),
    tallyFits,
  ),
});

export const CountyMassEvaluationTallied = defineContract({
  context: 'county',
  name: 'MassEvaluationTallied',
  version: 1,
  stream: 'mass-evaluation',
  topic: COUNTY_INBOUND_TOPIC,
  subject: { name: 'memberId, or orgId when memberId is null', of: (d) => d.memberId ?? d.orgId },
  description:
    'The ballot count of a mass evaluation (群众评议 / 满意度测评) of an organisation or a member for a year or a quarter: ' +
    'votes per ballot value (满意/基本满意/不满意). A later tally for the same subject and period replaces an earlier one. ' +
    `${TALLY_RULE}. Consumed by evaluation. Key: \`mass-evaluation-<memberId>\`, or \`mass-evaluation-<orgId>\` ` +
    'when the organisation itself is evaluated.',
  schema: refineBy(
    z.object({
      orgId: id.describe('the organisation evaluated, or the branch of the member evaluated'),
      memberId: id.nullable().describe(`the member evaluated: ${COUNTY_MEMBER_ID}; null when the organisation itself is evaluated`),
      period: periodSchema,
      heldOn: daySchema,
      ballotsIssued,
      ballotsReturned,
      votes: z
        .strictObject({ satisfied: countSchema, basically_satisfied: countSchema, dissatisfied: countSchema })
        .describe(`votes per ballot value (Ballot), adding up to at most ballotsReturned; ${STRICT_VOTES}`),
    }),
    tallyFits,
  ),
});

// ── Deeds (办实事) and visits (走访慰问) → assistance ────────────────────────────────────

export const CountyDeedRecorded = defineContract({
  context: 'county',
  name: 'DeedRecorded',
  version: 1,
  stream: 'deed',
  topic: COUNTY_INBOUND_TOPIC,
  subject: { name: 'deedId', of: (d) => d.deedId },
  description:
    'A helper unit did a practical thing (办实事) for a paired village or community (结对帮扶), in one of the ten ' +
    'areas (十方面实事). Sent again with the same deedId, it replaces the earlier record. Consumed by assistance. ' +
    'Key: `deed-<deedId>`.',
  schema: z.object({
    deedId: id,
    orgId: id.describe('the village or community organisation helped'),
    helperUnitName: z.string().min(1).max(200).describe('帮扶单位, e.g. a banner-level department'),
    helperOrgId: id.optional().describe('the helper unit’s party organisation, when it is in the tree'),
    category: projectCategorySchema,
    title: z.string().min(1).max(200),
    description: z.string().min(1).max(2000).optional(),
    doneOn: daySchema,
    amountFen: fenSchema.optional().describe('funds spent on it (帮扶资金), integer fen; absent when no money was involved'),
  }),
});

export const CountyVisitLogged = defineContract({
  context: 'county',
  name: 'VisitLogged',
  version: 1,
  stream: 'field-diary',
  topic: COUNTY_INBOUND_TOPIC,
  subject: { name: 'cadreId', of: (d) => d.cadreId },
  description:
    'A cadre visited the households they are linked to (走访慰问 联系户) and wrote it in their field diary (民情日记); ' +
    'each cadre visits each linked household at least once a quarter. Households are opaque county references, never ' +
    'names or personal numbers. Consumed by assistance. Key: `field-diary-<cadreId>`, so one cadre’s visits stay in order.',
  schema: z.object({
    visitId: id,
    cadreId: id.describe(`the visiting cadre: ${COUNTY_MEMBER_ID}`),
    cadreName: personName,
    orgId: id.describe('the village or community organisation where the households live'),
    visitedOn: daySchema,
    householdRefs: uniqueList(householdRefSchema, 200).min(1).describe('the households visited'),
    summary: note.describe('民情日记 entry: what was heard and done'),
  }),
});

// ── Window services (窗口单位服务记录) → evaluation ───────────────────────────────────────

export const CountyWindowServicesRecorded = defineContract({
  context: 'county',
  name: 'WindowServicesRecorded',
  version: 1,
  stream: 'window-services',
  topic: COUNTY_INBOUND_TOPIC,
  subject: { name: 'orgId', of: (d) => d.orgId },
  description:
    'A batch of the records a window unit’s own systems keep (三亮三比三评: 服务、代办、上门服务、网上审批), for Vanguard to ' +
    'count by month and kind — the same counting as a bulk import, never typed-in totals. The unit must have published ' +
    'its commitments; a batch id is counted once (a resent batch is refused evaluation.window-unit.batch-once), and a ' +
    'record id once for the unit, over every batch (a batch holding only records counted before is refused ' +
    'evaluation.window-unit.record-once; ADR 0122): resend a batch under its own batch id. Records ' +
    'name no citizen: an id in the sending system, a kind and a day. Consumed by evaluation. Key: `window-services-<orgId>`.',
  schema: z.object({
    orgId: id.describe('the window unit'),
    batchId: z.string().min(1).max(100).describe('the sending system’s batch id; a resend counts nothing'),
    records: z
      .array(
        z.strictObject({
          recordId: z
            .string()
            .min(1)
            .max(100)
            .describe('the record’s id in the sending system; counted once for the unit, whichever batch brings it'),
          kind: windowServiceKindSchema,
          on: daySchema.describe('the day the service was given'),
        }),
      )
      .min(1)
      .max(2000)
      .describe('at most 2,000 a message, so a message stays well under the broker’s 1 MB; send a larger batch as several batch ids'),
  }),
});

export const countyContracts = [
  CountyRosterMemberSynced,
  CountyRosterMemberRemoved,
  CountyPledgeProgressReported,
  CountyDemocraticReviewTallied,
  CountyMassEvaluationTallied,
  CountyDeedRecorded,
  CountyVisitLogged,
  CountyWindowServicesRecorded,
] as const;

export type CountyEvent = ContractEvent<(typeof countyContracts)[number]>;
