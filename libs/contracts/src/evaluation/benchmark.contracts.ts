import { z } from 'zod';
import { defineContract } from '../contract';
import { daySchema } from '../organization/vocabulary';
import { decisionSchema } from './decision';

// 对标定位 (seed 001): an organisation or a member picks a benchmark (标杆), lists its gaps and
// the measures to close them, reports progress, and the level above confirms it closed the
// gap. One stream per benchmarking, `benchmark-<id>`.

const id = z.uuid();

export const BenchmarkChosen = defineContract({
  context: 'evaluation',
  name: 'BenchmarkChosen',
  version: 1,
  stream: 'benchmark',
  description: 'An organisation or a member chose a benchmark and listed the gaps and the measures to close them.',
  schema: z.object({
    benchmarkId: id,
    subject: z.object({ kind: z.enum(['organization', 'member']), id }),
    orgId: id,
    target: z.object({ kind: z.enum(['organization', 'member']), id, name: z.string().min(1).max(200) }),
    gaps: z.array(z.string().min(1).max(1000)).min(1).max(20),
    measures: z.array(z.string().min(1).max(1000)).min(1).max(20),
    dueOn: daySchema,
  }),
});

export const BenchmarkProgressReported = defineContract({
  context: 'evaluation',
  name: 'BenchmarkProgressReported',
  version: 1,
  stream: 'benchmark',
  description: 'Progress on closing the gaps was reported.',
  schema: z.object({ benchmarkId: id, note: z.string().min(1).max(2000), percent: z.int().min(0).max(100) }),
});

export const BenchmarkReached = defineContract({
  context: 'evaluation',
  name: 'BenchmarkReached',
  version: 1,
  stream: 'benchmark',
  description: 'The level above confirmed the gaps were closed.',
  schema: z.object({ benchmarkId: id, decision: decisionSchema }),
});

export const benchmarkContracts = [BenchmarkChosen, BenchmarkProgressReported, BenchmarkReached] as const;
