export * from './assessment.commands';
export * from './assessment.events';
export * from './assessment.rules';
export * from './monthly-review-reads';
export * from './tier-rules';
export { initialState as initialAssessmentState, evolve as evolveAssessment, type AssessmentState } from './assessment.state';
export { assessmentDecider } from './assessment.decide';
