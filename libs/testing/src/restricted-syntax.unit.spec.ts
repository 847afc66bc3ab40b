import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import restricted from '../lint/restricted-syntax.json';

// The syntax eslint.config.mjs refuses (no-restricted-syntax), run on snippets: a selector that
// stopped matching would let the call back in without a word. The rule is built as the config
// builds it: the unscoped entries for every file, and for an entry's `files` a block of its own
// that carries the unscoped entries too (a block's list replaces the one before it).
function problems(code: string, file = 'probe.ts'): string[] {
  const rule = (entries: readonly (typeof restricted)[number][]) =>
    ['error', ...entries.map(({ selector, message }) => ({ selector, message }))] as Linter.RuleEntry;
  const filesOf = (r: (typeof restricted)[number]) => ('files' in r ? r.files : undefined);
  const unscoped = restricted.filter((r) => !filesOf(r));
  const scopes = [...new Set(restricted.flatMap((r) => (filesOf(r) ? [JSON.stringify(filesOf(r))] : [])))];
  const config: Linter.Config[] = [
    { files: ['**/*.ts'], languageOptions: { parser: tsParser }, rules: { 'no-restricted-syntax': rule(unscoped) } },
    ...scopes.map((scope) => ({
      files: JSON.parse(scope) as string[],
      rules: { 'no-restricted-syntax': rule([...unscoped, ...restricted.filter((r) => JSON.stringify(filesOf(r)) === scope)]) },
    })),
  ];
  return new Linter({ configType: 'flat' }).verify(code, config, file).map((m) => `${m.line}: ${m.message}`);
}

describe('restricted syntax: kafkajs createTopics', () => {
  it('refuses a createTopics that lets kafkajs wait for leaders, by default, by true, quoted or through an options object', () => {
    const flagged = problems(
      [
        `await admin.createTopics({ topics: [] });`,
        `await admin.createTopics({ topics: [], waitForLeaders: true });`,
        `await admin.createTopics({ topics: [], 'waitForLeaders': true });`,
        `await admin.createTopics(options);`,
        `await kafka.admin().createTopics({ ...options });`,
      ].join('\n'),
    );

    expect(flagged.map((p) => p.split(':')[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(flagged[0]).toMatch(/waitForLeaders: false.*createLedTopics/);
  });

  it('lets a createTopics with waitForLeaders: false through, and other calls of that name', () => {
    expect(
      problems(
        [
          `await admin.createTopics({ topics: [], waitForLeaders: false });`,
          `await admin.createTopics({ topics: [], 'waitForLeaders': false });`,
          `await createLedTopics(admin, [{ topic: 't' }]);`,
          `await ensureTopics(kafka, ['t']);`,
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});

describe('restricted syntax: a test’s own kafkajs producer', () => {
  const plainProducers = [
    `const a = kafka.producer();`,
    `const b = counties.kafka.producer({ allowAutoTopicCreation: false });`,
    `const c = kafka['producer']();`,
    `const d = kafka?.producer();`,
  ].join('\n');

  it('refuses kafka.producer in a spec file, dotted, with options, quoted or optional, and still refuses the unscoped syntax there', () => {
    const flagged = problems(`${plainProducers}\nawait admin.createTopics({ topics: [] });`, 'services/x/test/probe.int.spec.ts');

    expect(flagged.map((p) => p.split(':')[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(flagged[0]).toMatch(/testProducer \(@vanguard\/testing\), idempotent/);
    expect(flagged[4]).toMatch(/waitForLeaders: false/);
  });

  it('refuses kafka.producer in a suite’s test helpers too, in support/ or beside the specs', () => {
    expect(problems(plainProducers, 'services/x/test/support/x-test-app.ts')).toHaveLength(4);
    expect(problems(plainProducers, 'libs/x/test/fixtures.ts')).toHaveLength(4);
  });

  it('lets testProducer through in a spec file, and kafka.producer outside tests (the helper itself, the services)', () => {
    expect(
      problems(`const p = testProducer(kafka, { allowAutoTopicCreation: false });\nconst q = producer();`, 'libs/x/test/probe.int.spec.ts'),
    ).toEqual([]);
    expect(problems(plainProducers, 'libs/testing/src/kafka.ts')).toEqual([]);
  });
});
