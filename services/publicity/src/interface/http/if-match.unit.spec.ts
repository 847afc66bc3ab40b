import { BadRequestException, PreconditionFailedException } from '@nestjs/common';
import type { Response } from 'express';
import { etagOf, ifMatchHolds, ifMatchPrecondition, parseIfMatch } from './if-match';

const view = { id: 'a1', title: '稿件', version: 3 };
const current = etagOf(view);

/** What the precondition set on the answer. */
function answer(): { res: Response; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return { res: { setHeader: (k: string, v: string) => (headers[k.toLowerCase()] = v) } as unknown as Response, headers };
}

const thrownBy = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a refusal');
};

describe('If-Match', () => {
  it('tags an answer strongly with its version and a digest of what it shows', () => {
    expect(current).toMatch(/^"3-[\w-]{22}"$/);
    expect(etagOf({ ...view })).toBe(current);
    expect(etagOf({ ...view, title: '改过的稿件' })).not.toBe(current);
  });

  it('reads * and lists of entity tags; anything else is a 400 naming the header', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch(' * ')).toBe('*');
    expect(parseIfMatch(`W/"x", ${current} ,"y"`)).toEqual([
      { weak: true, tag: 'x' },
      { weak: false, tag: current.slice(1, -1) },
      { weak: false, tag: 'y' },
    ]);
    for (const bad of ['', '3', current.slice(1, -1), `${current} x`, `"a" "b"`, '*, "a"', '"unterminated'])
      expect(() => parseIfMatch(bad)).toThrow(BadRequestException);
  });

  it('compares strongly: a weak tag never matches (RFC 9110 §13.1.1)', () => {
    expect(ifMatchHolds(parseIfMatch(current)!, current)).toBe(true);
    expect(ifMatchHolds(parseIfMatch(`"other", ${current}`)!, current)).toBe(true);
    expect(ifMatchHolds(parseIfMatch(`W/${current}`)!, current)).toBe(false);
    expect(ifMatchHolds('*', current)).toBe(true);
  });

  it('WhenIfMatchIsAbsent_SetsNoPrecondition', () => {
    expect(ifMatchPrecondition(undefined, answer().res, { zh: '稿件', en: 'article' })).toBeUndefined();
  });

  it('WhenTheTagIsStale_Refuses412WithTheCurrentTagAndVersion', () => {
    const stale = etagOf({ ...view, version: 2 });
    const { res, headers } = answer();
    const precondition = ifMatchPrecondition<typeof view>(stale, res, { zh: '稿件', en: 'article' })!;
    const refusal = thrownBy(() => precondition(view));
    expect(refusal).toBeInstanceOf(PreconditionFailedException);
    expect((refusal as PreconditionFailedException).getResponse()).toMatchObject({
      code: 'REQUEST.PRECONDITION_FAILED',
      message: expect.stringMatching(/^稿件已被修改，当前为第 3 版.* \/ the article changed since .*version 3/),
      errors: [{ field: 'If-Match', reason: expect.stringContaining(current) }],
    });
    expect(headers['etag']).toBe(current);
    const { res: fresh, headers: untouched } = answer();
    expect(() => ifMatchPrecondition<typeof view>(current, fresh, { zh: '稿件', en: 'article' })!(view)).not.toThrow();
    expect(untouched).toEqual({});
  });
});
