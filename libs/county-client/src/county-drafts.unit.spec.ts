import { randomUUID } from 'node:crypto';
import { publicContracts } from '@vanguard/contracts';
import { buildCountyMessage } from './county-message';
import {
  UsageError,
  currentQuarter,
  deedDraft,
  generatedRoster,
  parseArgs,
  parseRosterFile,
  progressDraft,
  rosterDrafts,
  tallyDraft,
  visitDraft,
} from './county-drafts';

const org = '00000000-0000-4000-8000-910425101201';
const now = new Date('2026-11-30T04:00:00.000Z');
const identity = { clientId: 'county-songling', sub: 'sa', countyOrgId: '00000000-0000-4000-8000-000000910425' };
const valid = (d: { type: string; data: Record<string, unknown> }) =>
  publicContracts.assertValid(buildCountyMessage({ ...d, identity, messageId: randomUUID(), sequence: 1, at: now }));

describe(parseArgs.name, () => {
  it('reads --flag value, --flag=value, bare switches and positionals', () => {
    expect(parseArgs(['review', '--org', 'o', '--year=2026', '--unchecked'])).toEqual({
      positional: ['review'],
      flags: { org: 'o', year: '2026', unchecked: true },
    });
  });
});

describe(parseRosterFile.name, () => {
  it('reads CSV with a header, quoted cells and `|`-separated roles, filling a missing orgId', () => {
    const csv =
      'memberId,orgId,name,status,joinedOn,roles,posts\n11111111-1111-4111-8111-111111111111,,"王, 五",probationary,2020-07-01,secretary|party_worker,\n';

    const [sut] = parseRosterFile(csv, 'roster.csv', org);

    expect(sut).toEqual({
      memberId: '11111111-1111-4111-8111-111111111111',
      orgId: org,
      name: '王, 五',
      status: 'probationary',
      joinedOn: '2020-07-01',
      roles: ['secretary', 'party_worker'],
      posts: [],
    });
    expect(() => valid(rosterDrafts([sut!])[0]!)).not.toThrow();
  });

  it('reads a JSON array of members', () => {
    const json = JSON.stringify([
      { memberId: 'm', orgId: org, name: '李四', status: 'full', joinedOn: '2010-07-01', roles: [], posts: ['pioneer_post'] },
    ]);

    expect(parseRosterFile(json, 'roster.json')[0]).toMatchObject({ name: '李四', posts: ['pioneer_post'] });
  });

  it('refuses a member without a status, naming the item, instead of sending him as full', () => {
    const csv = 'memberId,orgId,name,status,joinedOn\nm1,o,张三,full,2010-07-01\nm2,o,李四,,2026-07-01\n';

    expect(() => parseRosterFile(csv, 'roster.csv')).toThrow(/roster\.csv: 第 2 项缺少 status/);
    expect(() => parseRosterFile(JSON.stringify([{ memberId: 'm', name: '王五', status: ' ', joinedOn: '2010-07-01' }]), 'r.json')).toThrow(
      /r\.json: 第 1 项缺少 status/,
    );
  });
});

describe('the drafts of each command', () => {
  it('are valid county messages by the contracts', () => {
    const drafts = [
      ...rosterDrafts(generatedRoster(org, 3)),
      progressDraft(
        parseArgs(['--pledge', '22222222-2222-4222-8222-222222222222', '--org', org, '--items', '4', '--done', '2']).flags,
        now,
      ),
      tallyDraft(
        'review',
        parseArgs([
          '--member',
          '33333333-3333-4333-8333-333333333333',
          '--org',
          org,
          '--issued',
          '20',
          '--returned',
          '18',
          '--excellent',
          '10',
          '--qualified',
          '8',
        ]).flags,
        now,
      ),
      tallyDraft(
        'mass',
        parseArgs(['--org', org, '--issued', '30', '--returned', '30', '--satisfied', '25', '--dissatisfied', '5']).flags,
        now,
      ),
      deedDraft(parseArgs(['--org', org, '--helper-unit', '旗交通局', '--title', '硬化村道', '--amount-fen', '1200000']).flags, now),
      visitDraft(
        parseArgs(['--cadre', '44444444-4444-4444-8444-444444444444', '--cadre-name', '赵六', '--org', org, '--households', 'H-001,H-002'])
          .flags,
        now,
      ),
    ];

    for (const d of drafts) expect(() => valid(d)).not.toThrow();
  });

  it('name a missing flag, and a tally needs review or mass', () => {
    expect(() => progressDraft(parseArgs(['--org', org]).flags, now)).toThrow(new UsageError('缺少参数 --pledge'));
    expect(() => tallyDraft(undefined, {}, now)).toThrow(/review/);
  });

  it('take the quarter in China time (the last evening of September UTC is already Q4 in Beijing)', () => {
    expect(currentQuarter(new Date('2026-09-30T17:00:00Z'))).toBe('2026-Q4');
  });
});
