// Type-aware linting plus the module boundaries that keep Vanguard's arrows pointing
// inwards (STYLE.md): services never import each other, domain code never imports the
// framework, and every project states its scope and type as Nx tags.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';
import { createRequire } from 'node:module';

const RESTRICTED_SYNTAX = createRequire(import.meta.url)('./libs/testing/lint/restricted-syntax.json');
// no-restricted-syntax takes one list per file: a block that sets it for some files replaces the
// list there, so each scope's block carries the unscoped entries too (restricted-syntax.unit.spec.ts
// builds the rule the same way). Entries scoped alike share a block; two scopes covering one file
// would leave it only the later one's.
const restrictedSyntax = (entries) => ['error', ...entries.map(({ selector, message }) => ({ selector, message }))];
const UNSCOPED_SYNTAX = RESTRICTED_SYNTAX.filter((r) => !r.files);
const SCOPES = [...new Set(RESTRICTED_SYNTAX.filter((r) => r.files).map((r) => JSON.stringify(r.files)))];
const SCOPED_SYNTAX = SCOPES.map((scope) => ({
  files: JSON.parse(scope),
  rules: {
    'no-restricted-syntax': restrictedSyntax([...UNSCOPED_SYNTAX, ...RESTRICTED_SYNTAX.filter((r) => JSON.stringify(r.files) === scope)]),
  },
}));

const FRAMEWORK = ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', 'express', 'jose'];

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'dist/**', '.vanguard/**', 'coverage/**', '.nx/**', 'docs/**', '**/*.js', '**/*.mjs', '!scripts/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // Syntax the project refuses, each with why (libs/testing/lint/restricted-syntax.json, tested there).
      'no-restricted-syntax': restrictedSyntax(UNSCOPED_SYNTAX),
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:contracts', 'type:util'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:domain', 'type:infra', 'type:contracts', 'type:util'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'],
              bannedExternalImports: FRAMEWORK,
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'], bannedExternalImports: FRAMEWORK },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: ['@nestjs/*', 'typeorm', 'kafkajs'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:organization', onlyDependOnLibsWithTags: ['scope:organization', 'scope:shared'] },
            { sourceTag: 'scope:evaluation', onlyDependOnLibsWithTags: ['scope:evaluation', 'scope:shared'] },
            { sourceTag: 'scope:commendation', onlyDependOnLibsWithTags: ['scope:commendation', 'scope:evaluation', 'scope:shared'] },
            { sourceTag: 'scope:assistance', onlyDependOnLibsWithTags: ['scope:assistance', 'scope:shared'] },
            { sourceTag: 'scope:publicity', onlyDependOnLibsWithTags: ['scope:publicity', 'scope:shared'] },
            {
              sourceTag: 'scope:audit',
              onlyDependOnLibsWithTags: ['scope:audit', 'scope:evaluation', 'scope:commendation', 'scope:shared'],
            },
            { sourceTag: 'scope:reporting', onlyDependOnLibsWithTags: ['scope:reporting', 'scope:shared'] },
            // Suites over several services (libs/platform-e2e): nothing depends on them, so they may use anything.
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // A service's domain layer is plain TypeScript: it is not its own Nx project, so guard it by path.
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: FRAMEWORK, message: 'domain/ is plain TypeScript: no framework, ORM or broker imports (STYLE.md).' },
            {
              group: ['**/application/**', '**/infrastructure/**', '**/interface/**'],
              message: 'domain/ depends on nothing outside itself.',
            },
          ],
        },
      ],
    },
  },
  {
    // Ids are compared lower-case: a DTO's id field is @IsUuid from @vanguard/http, which lower-cases it (ADR 0091);
    // a text's length is counted as the contracts count it (ADR 0161).
    files: ['services/*/src/interface/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'class-validator',
              importNames: ['IsUUID'],
              message: 'use IsUuid from @vanguard/http: it hands the id on lower-cased (ADR 0091).',
            },
            {
              name: 'class-validator',
              importNames: ['MaxLength'],
              message: 'use MaxLength from @vanguard/http: it counts as the event contracts count (ADR 0161).',
            },
          ],
        },
      ],
    },
  },
  // The entries of restricted-syntax.json given `files` (a spec's producer: testProducer).
  ...SCOPED_SYNTAX,
  {
    files: ['**/*.spec.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // npm start and npm test themselves: plain Node before dependencies exist, so no types, but
    // the mistakes tsc would catch in TypeScript (a name read before its declaration ran — a
    // shadowed parameter once stopped npm test in its first second — or a global that is not there).
    files: ['scripts/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'URL',
          'Buffer',
          'fetch',
          'AbortController',
          'AbortSignal',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
        ].map((g) => [g, 'readonly']),
      ),
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      'no-undef': 'error',
      'no-use-before-define': ['error', { functions: false, classes: false, variables: false }],
      '@nx/enforce-module-boundaries': 'off',
    },
  },
  prettier,
);
