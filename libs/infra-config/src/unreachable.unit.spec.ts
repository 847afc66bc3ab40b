import { isOutOfReach, needsAnOperator } from './unreachable';

const coded = (code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error('x'), { code, ...extra });

describe(isOutOfReach.name, () => {
  it('WhenTheDatabaseOrASocketIsOutOfReach_SaysSo', () => {
    const outages = [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      '08006',
      '08001',
      '58030',
      '57P01',
      '57P03',
      '53100',
      '53300',
      '25006',
    ];
    expect(outages.filter((c) => !isOutOfReach(coded(c)))).toEqual([]);
    expect(isOutOfReach(coded('ENOENT', { syscall: 'connect' }))).toBe(true);
    expect(isOutOfReach(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isOutOfReach(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isOutOfReach(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    // The event store's outcome unknown, its lookup refused by a restarting server.
    expect(isOutOfReach(coded('EVENT_STORE.APPEND_OUTCOME_UNKNOWN', { cause: coded('57P01') }))).toBe(true);
  });

  it('WhenTheFailureIsAsOftenTheWorksOwnDoing_DoesNot', () => {
    const own = ['57014', '53200', '53400', '08P01', '23505', '22P02', '40001', '40P01', 'ERR_INVALID_ARG_TYPE'];
    expect(own.filter((c) => isOutOfReach(coded(c)))).toEqual([]);
    expect(isOutOfReach(coded('ENOENT', { syscall: 'open' }))).toBe(false);
    expect(
      isOutOfReach(coded('EVENT_STORE.APPEND_OUTCOME_UNKNOWN', { cause: new Error('backend 7 of a broken write has not ended') })),
    ).toBe(false);
    // Any other wrapper keeps its own meaning: an aborted upload's 400 carries the socket's reset.
    expect(isOutOfReach(Object.assign(new Error('body'), { cause: coded('ECONNRESET') }))).toBe(false);
    expect(
      [undefined, null, 'ECONNREFUSED', new Error('syntax error'), new Error('Client was closed and is not queryable')].map(isOutOfReach),
    ).toEqual([false, false, false, false, false]);
  });
});

describe(needsAnOperator.name, () => {
  it('WhenTheOutageWillNotEndByItself_SaysSo', () => {
    const codes = ['53100', '25006', '58030', '58P01', 'ECONNREFUSED', '57P01', '53300', '08006', '57014', '23505'];
    expect(codes.filter((c) => needsAnOperator(coded(c)))).toEqual(['53100', '25006', '58030', '58P01']);
  });
});
