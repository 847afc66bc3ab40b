// Unit tests run beside lint, type-check and the Java start-ups on two cores: the timeout only
// catches a hang. Set here, not as the project's `testTimeout`: jest-circus reads that option from
// the global config only, so in a project entry it was ignored and Jest's 5 s applied (a clean-clone
// run failed pdf-renderer.unit's five renders on two threads so, while the brokers started).
jest.setTimeout(30_000);
