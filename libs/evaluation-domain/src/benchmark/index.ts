export * from './benchmark.commands';
export * from './benchmark.events';
export * from './benchmark.rules';
export { initialState as initialBenchmarkState, evolve as evolveBenchmark, type BenchmarkState } from './benchmark.state';
export { benchmarkDecider } from './benchmark.decide';
