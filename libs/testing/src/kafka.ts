import { randomBytes } from 'node:crypto';

/** A topic prefix of the suite's own, so suites never read each other's messages. */
export function testTopicPrefix(suite: string): string {
  return `test.${suite.replace(/[^a-z0-9]/gi, '-').toLowerCase()}.${randomBytes(4).toString('hex')}`;
}
