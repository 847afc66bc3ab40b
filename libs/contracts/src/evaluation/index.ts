import { assessmentContracts } from './assessment.contracts';
import { benchmarkContracts } from './benchmark.contracts';
import { campaignContracts } from './campaign.contracts';
import { commentContracts } from './comment.contracts';
import { inspectionContracts } from './inspection.contracts';
import { trainingContracts } from './training.contracts';
import { monthlyReviewContracts } from './monthly-review.contracts';
import { windowUnitContracts } from './window-unit.contracts';
import { massEvaluationContracts } from './mass-evaluation.contracts';
import { massTallyContracts } from './mass-tally.contracts';
import { pioneerContracts } from './pioneer.contracts';
import { pledgeContracts } from './pledge.contracts';
import { reviewContracts } from './review.contracts';

/** Every evaluation event, on `vanguard.evaluation.events.v1`, keyed by stream. */
export const evaluationContracts = [
  ...campaignContracts,
  ...pledgeContracts,
  ...commentContracts,
  ...massEvaluationContracts,
  ...massTallyContracts,
  ...reviewContracts,
  ...assessmentContracts,
  ...pioneerContracts,
  ...benchmarkContracts,
  ...inspectionContracts,
  ...trainingContracts,
  ...monthlyReviewContracts,
  ...windowUnitContracts,
] as const;
