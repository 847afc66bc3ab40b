import { z } from 'zod';
import { defineContract } from '../contract';
import { noPersonalNumbers } from '../no-personal-numbers.refinement';
import { daySchema } from '../organization/vocabulary';
import { refineBy } from '../refinements';
import { decisionSchema } from './decision';

// 窗口单位 三亮三比三评 (seed 004: window units publish their duties, processes, discipline and service
// phone; services given are counted, never typed into a statistics form). One stream per window unit,
// `window-unit-<orgId>` (ADR 0047). Everything here is shown on a public page, so free text carries no
// personal number. The service phone is kept by the evaluation service beside the stream, never in an
// event: no published event carries a phone number (published-contracts spec).

const id = z.uuid();
const publicText = (max: number) => refineBy(z.string().min(1).max(max), noPersonalNumbers);

export const windowServiceKindSchema = z.enum(['service_given', 'handled_on_behalf', 'home_service', 'online_approval']);

export const WindowUnitCommitmentsPublished = defineContract({
  context: 'evaluation',
  name: 'WindowUnitCommitmentsPublished',
  version: 1,
  stream: 'window-unit',
  description:
    'A window unit (窗口单位) published its service commitments — duties, process, discipline (亮职责、亮流程、亮纪律) — shown on its public page with its service phone; a later publication replaces the earlier.',
  schema: z.object({
    orgId: id,
    serviceName: publicText(200).describe('the window’s public name'),
    duties: publicText(2000),
    process: publicText(2000),
    discipline: publicText(2000),
    publishedOn: daySchema,
    decision: decisionSchema.describe('who published (the unit’s secretary or a leader above), the unit’s path'),
  }),
});

export const WindowServicesCounted = defineContract({
  context: 'evaluation',
  name: 'WindowServicesCounted',
  version: 1,
  stream: 'window-unit',
  description:
    'Services a window unit’s own systems recorded (服务、代办、上门服务、网上审批), counted from one batch of records they sent, by month and kind; a batch is counted once.',
  schema: z.object({
    orgId: id,
    batchId: z.string().min(1).max(100).describe('the sending system’s batch id; a resend counts nothing'),
    source: z.enum(['import', 'county']),
    counts: z
      .array(z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), kind: windowServiceKindSchema, count: z.int().min(1) }))
      .min(1)
      .max(500),
    records: z
      .int()
      .min(1)
      .describe('records of the batch counted: a record id once for the unit, so not those counted by an earlier batch nor its duplicates'),
    countedOn: daySchema,
    decision: decisionSchema.describe('who sent the batch, the window-unit stream read'),
  }),
});

export const windowUnitContracts = [WindowUnitCommitmentsPublished, WindowServicesCounted] as const;
