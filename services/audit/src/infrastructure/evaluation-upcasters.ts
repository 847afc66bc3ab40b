// The evaluation store's upcasters, the very list the evaluation service reads with (libs/contracts).
export { evaluationUpcasters } from '@vanguard/contracts';
