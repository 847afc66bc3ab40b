import { importFailureMessage } from './import-failure';

const failed = (message: string, extra: Record<string, unknown>) => Object.assign(new Error(message), extra);

describe(importFailureMessage.name, () => {
  it.each([
    ['Postgres refusing connections', failed('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['a dropped connection', failed('Connection terminated unexpectedly', {})],
    ['a connection failure', failed('server closed the connection', { code: '08006' })],
    ['too many connections', failed('sorry, too many clients already', { code: '53300' })],
  ])('WhenTheDatabaseIsOutOfReach_SaysTryAgainLater (%s)', (_, e) => {
    expect(importFailureMessage(e, 'job-1')).toContain('the database was unavailable; try again later');
  });

  it('WhenARowDuplicatesStoredData_SaysSoWithoutTheDatabasesText', () => {
    const e = failed('duplicate key value violates unique constraint "members_id_number_key"', { code: '23505' });
    const message = importFailureMessage(e, 'job-2');
    expect(message).toContain('a row duplicates data already stored');
    expect(message).toContain('job-2');
    expect(message).not.toContain('members_id_number_key');
  });

  it('WhenTheErrorCarriesNoCode_SaysAnInternalError', () => {
    expect(importFailureMessage(new Error('Cannot read properties of undefined'), 'job-3')).toContain('an internal error');
  });
});
