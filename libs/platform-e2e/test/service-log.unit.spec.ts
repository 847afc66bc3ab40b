import { failureLines } from './service-log';

describe(failureLines.name, () => {
  it('counts plain stderr text as a failure: audit’s checkpoint schedule reports so', () => {
    const sut = failureLines([
      '[audit] checkpoint of evaluation not published: connect ECONNREFUSED 127.0.0.1:9092',
      '[audit] checkpoint of commendation after growth not published: timeout',
    ]);

    expect(sut).toHaveLength(2);
  });

  it('counts pino records of level 50 and 60, and no lower ones, whatever their message says', () => {
    const sut = failureLines([
      '{"level":30,"msg":"error budget left: 3"}',
      '{"level":40,"msg":"reporting: 1 connection(s) still open after its stop; closed"}',
      '{"level":50,"context":"Relay","msg":"publish failed"}',
      '{"level":60,"msg":"fatal"}',
    ]);

    expect(sut).toEqual(['{"level":50,"context":"Relay","msg":"publish failed"}', '{"level":60,"msg":"fatal"}']);
  });

  it('counts a line that only looks like JSON as plain text', () => {
    expect(failureLines(['{ not json: listen EADDRINUSE', '{"msg":"no level"}'])).toHaveLength(2);
  });
});
