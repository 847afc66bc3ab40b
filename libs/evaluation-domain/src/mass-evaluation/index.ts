export * from './mass-evaluation.commands';
export * from './mass-evaluation.events';
export * from './mass-evaluation.rules';
export {
  initialState as initialMassEvaluationState,
  evolve as evolveMassEvaluation,
  type MassEvaluationState,
  type WindowStatus,
} from './mass-evaluation.state';
export { massEvaluationDecider } from './mass-evaluation.decide';
