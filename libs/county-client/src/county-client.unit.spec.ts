import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Message, Producer } from 'kafkajs';
import { CountyClient, batchLength } from './county-client';
import { countyClientConfig } from './county-client.config';

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

describe(CountyClient.name, () => {
  const COUNTY = '00000000-0000-4000-8000-000000910425';
  const MEMBER = 'C0FFEE00-1A2B-4C3D-8E4F-0A1B2C3D4E5F';
  const roster = (memberId: string, name: string) => ({
    type: 'county.RosterMemberSynced',
    data: { memberId, orgId: '00000000-0000-4000-8000-910425101201', name, status: 'full', joinedOn: '2001-07-01', roles: [], posts: [] },
  });
  const claims = Buffer.from(JSON.stringify({ sub: 'svc-sub', org_id: COUNTY, exp: 4_102_444_800 })).toString('base64url');
  let dir: string;
  let sut: CountyClient;
  let sent: Message[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'county-client-'));
    // Unreachable brokers and token URL: the token and the producer are the test's, nothing leaves the process.
    sut = new CountyClient(countyClientConfig({ stateDir: dir, kafka: { brokers: '127.0.0.1:1' } }, {}));
    sent = [];
    jest.spyOn(sut.tokens, 'token').mockResolvedValue(`h.${claims}.s`);
    const producer = {
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      send: ({ messages }: { messages: Message[] }) => Promise.resolve(void sent.push(...messages)),
    };
    jest.spyOn(sut.kafka, 'producer').mockReturnValue(producer as unknown as Producer);
  });
  afterEach(async () => {
    await sut.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('send_AMemberByHisIdInUpperCaseThenInLowerCase_NumbersOneSubject_SoTheCorrectionIsNotStale', async () => {
    const [first] = await sut.send([roster(MEMBER, '张三')]);
    const [second] = await sut.send([roster(MEMBER.toLowerCase(), '张珊')]);

    expect([first!.streamVersion, second!.streamVersion]).toEqual([1, 2]);
    expect(sent.map((m) => (JSON.parse(String(m.value)) as { streamVersion: number }).streamVersion)).toEqual([1, 2]);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'sequences.json'), 'utf8'))).toEqual({
      subjects: { [`roster-member-${MEMBER.toLowerCase()}`]: 2 },
    });
  });
});
