import { batchLength } from './county-client';

const message = (valueBytes: number, token = 'x'.repeat(1_000)) => ({
  key: 'roster-member-1',
  value: 'v'.repeat(valueBytes),
  headers: { authorization: `Bearer ${token}` },
});

describe(batchLength.name, () => {
  it('WhenAThousandRosterMessagesWithTheirTokensExceedTheBytes_SendsOnlyWhatFitsUnderThem', () => {
    // ~1.3 KB each with the token: a thousand are ~1.3 MB, over a broker's 1 MiB for one partition.
    const roster = Array.from({ length: 1_000 }, () => message(300));
    // key 15 + value 300 + header name 13 + 'Bearer ' and the token 1,007 bytes.
    const each = 15 + 300 + 13 + 1_007;
    expect(batchLength(roster)).toBe(Math.floor((512 * 1024) / each));
  });

  it('WhenMessagesAreSmall_StopsAtTheCount; WhenOneIsLargerThanTheBudget_StillSendsIt_AloneForTheBrokerToJudge', () => {
    expect(batchLength(Array.from({ length: 1_500 }, () => message(10, 't')))).toBe(1_000);
    expect(batchLength([message(600 * 1024), message(10)])).toBe(1);
    expect(batchLength([])).toBe(0);
  });
});
