// Three projects by test level (file suffix), one transformer (SWC keeps decorator
// metadata, which Nest's DI needs, and is far faster than ts-jest; tsc type-checks separately).
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target.replace('./', '')}`,
  ]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  // jose and NestJS 12 ship ESM only; Jest on Node 20 cannot require ESM, so SWC turns them into CommonJS.
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(jose|@nestjs)/)'],
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/.vanguard/', '<rootDir>/dist/'],
  setupFiles: ['<rootDir>/libs/testing/src/setup-env.ts'],
};

module.exports = {
  projects: [
    // Unit tests' timeout only catches a hang (a 64 MiB fixture once took 14 s beside the Java start-ups).
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,services}/**/*.unit.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/setup-unit-timeouts.ts'],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,services}/**/*.int.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/setup-timeouts.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/{libs,services}/**/*.e2e.spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/setup-timeouts.ts'],
    },
  ],
};
