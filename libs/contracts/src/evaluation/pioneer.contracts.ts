import { z } from 'zod';
import { defineContract } from '../contract';
import { decisionSchema } from './decision';

// 一季一先锋 (seed 004): each quarter an organisation nominates members (or branches) and
// selects its pioneers, democratically (先锋评选 with the masses' participation). One stream
// per organisation and cycle, `pioneer-<orgId>-<cycleId>`. Publicity turns a selection into an
// exemplar proposal.

const id = z.uuid();

export const pioneerCandidateSchema = z.object({ kind: z.enum(['member', 'organization']), id });

export const QuarterPioneerNominated = defineContract({
  context: 'evaluation',
  name: 'QuarterPioneerNominated',
  version: 1,
  stream: 'pioneer',
  description: 'A candidate was nominated as the quarter’s pioneer (一季一先锋) with the deeds that recommend them.',
  schema: z.object({
    orgId: id,
    cycleId: id,
    candidate: pioneerCandidateSchema,
    deeds: z.string().min(1).max(4000),
  }),
});

export const QuarterPioneerSelected = defineContract({
  context: 'evaluation',
  name: 'QuarterPioneerSelected',
  version: 1,
  stream: 'pioneer',
  description: 'A nominated candidate was selected as the quarter’s pioneer, with the votes that carried it.',
  schema: z.object({
    orgId: id,
    cycleId: id,
    candidate: pioneerCandidateSchema,
    votesFor: z.int().min(0),
    votesCast: z.int().min(1),
    decision: decisionSchema,
  }),
});

export const pioneerContracts = [QuarterPioneerNominated, QuarterPioneerSelected] as const;
