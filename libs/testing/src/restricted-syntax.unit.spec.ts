import { Linter } from 'eslint';
import * as tsParser from '@typescript-eslint/parser';
import restricted from '../lint/restricted-syntax.json';

// The syntax eslint.config.mjs refuses (no-restricted-syntax), run on snippets: a selector that
// stopped matching would let the call back in without a word.
function problems(code: string): string[] {
  const rule = ['error', ...restricted.map(({ selector, message }) => ({ selector, message }))] as Linter.RuleEntry;
  return new Linter({ configType: 'flat' })
    .verify(code, [{ files: ['**/*.ts'], languageOptions: { parser: tsParser }, rules: { 'no-restricted-syntax': rule } }], 'probe.ts')
    .map((m) => `${m.line}: ${m.message}`);
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
