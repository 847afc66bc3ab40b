import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigResourceTypes, type Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { OrgEventSigner, OrgEventVerifier } from '@vanguard/auth';
import {
  MemberState,
  MemberStateRemoved,
  OrganizationState,
  STATE_REMOVAL_HEADER,
  asyncApiDocument,
  publicContracts,
  stateRemovalClaim,
} from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import { createLedTopics, waitUntil, type ReadRecord, type TestSchema } from '@vanguard/testing';
import { AesGcmPersonalDataCipher } from '../src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { csvLine } from '@vanguard/spreadsheet';
import { PgRosterImports } from '../src/infrastructure/roster/pg-roster-imports';
import { RosterStatePublisher } from '../src/infrastructure/roster-state/roster-state-publisher';
import { noteEveryState } from '../src/infrastructure/roster-state/republish-states';
import { ensureCompactedStateTopics } from '../src/infrastructure/roster-state/roster-state-topics';
import { BulkSeeder } from '../src/infrastructure/seed/bulk-seeder';
import { SONGLING, countyMembers, countyOrganizations } from '../src/infrastructure/seed/synthetic-region';
import { SystemClock } from '../src/infrastructure/system/system-clock';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { drain, latestByKey, suiteStateTopics, testKafka } from './support/roster-state';
import { withCheckDigit } from './support/id-numbers';
import { withImportFile } from './support/roster-fixtures';

/** The parts of a message of the generated AsyncAPI document that a tombstone is held to. */
type DocumentedMessage = {
  payload: { schema: { type?: string } };
  headers: {
    schema: { required: string[]; properties: Record<string, { contentSchema: { properties: { type: { const: string } } } }> };
  };
};
const documentedMessage = (c: { type: string; version: number }): DocumentedMessage =>
  (asyncApiDocument(publicContracts) as { components: { messages: Record<string, DocumentedMessage> } }).components.messages[
    `${c.type}.v${c.version}`
  ]!;

// ADR 0029: every write path — bulk seeding and roster imports included — leaves a state record
// for each organisation and member on the compacted topics, and none carries personal data.
describe('roster state topics (event-carried state transfer)', () => {
  let db: TestSchema;
  let ds: DataSource;
  let kafka: Kafka;
  let topics: { organization: string; member: string };
  let publisher: RosterStatePublisher;
  const key = { id: 'd0', key: randomBytes(32) };
  const cipher = new AesGcmPersonalDataCipher({ active: key, byId: new Map([[key.id, key]]), index: { id: 'i0', key: randomBytes(32) } });
  // A county of the synthetic region's shape, not its full size: every record is checked either
  // way, and 13,378 signed member records made this the slowest suite of npm test.
  const county = { ...SONGLING, organizations: 60, members: 1_200 };
  const orgs = countyOrganizations(county);
  const seeded = [...countyMembers(county, orgs)];
  const imported = Array.from({ length: 40 }, (_, i) => ({
    name: `导入测试党员${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${i}`,
    idNumber: withCheckDigit(`91042519800101${String(100 + i).padStart(3, '0')}`),
    phone: `1390000${String(i).padStart(4, '0')}`,
  }));

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('org_state');
    ds = new DataSource({ type: 'postgres', url: db.url, schema: db.schema });
    await ds.initialize();
    kafka = testKafka();
    topics = await suiteStateTopics(kafka, 'org-roster-state');
    publisher = new RosterStatePublisher(db.pool, kafka, OrgEventSigner.fromEnv(), { lockKey: `roster-state:${db.schema}`, topics });
    const seeder = new BulkSeeder(db.pool, cipher);
    await seeder.organizations(orgs);
    await seeder.members(seeded, seeded.length);
    const header = csvLine(['org_code', 'name', 'status', 'joined_on', 'roles', 'posts', 'id_number', 'phone']);
    const csv =
      header + imported.map((m) => csvLine(['910425101201', m.name, 'full', '2010-07-01', 'secretary', '', m.idNumber, m.phone])).join('');
    const job = await withImportFile('members.csv', csv, (file) =>
      new PgRosterImports(ds, cipher, new SystemClock()).runToEnd({
        actor: { sub: 'state-test', username: 'county.organizer', roles: ['organizer'], orgId: demoOrgId('910425'), kind: 'user' },
        correlationId: 'roster-state-import',
        kind: 'members',
        format: 'csv',
        dryRun: false,
        file,
      }),
    );
    expect(job).toMatchObject({ status: 'succeeded', rowsImported: imported.length });
    await drain(publisher);
  }, 240_000);
  afterAll(async () => {
    await publisher?.stop();
    await ds?.destroy();
    await db?.drop();
  });

  it('publishes the latest state of every organisation and member, seeded and imported alike, contract-valid and signed', async () => {
    const members = await latestByKey(kafka, topics.member);
    const organizations = await latestByKey(kafka, topics.organization);

    const { rows: memberRows } = await db.pool.query<{ id: string; org_id: string; roles: string[] }>(
      `select id, org_id, roles from members`,
    );
    const { rows: orgRows } = await db.pool.query<{ id: string }>(`select id from organizations`);
    expect(memberRows.length).toBe(seeded.length + imported.length);
    expect([...members.latest.keys()].sort()).toEqual(memberRows.map((r) => `member-${r.id}`).sort());
    expect([...organizations.latest.keys()].sort()).toEqual(orgRows.map((r) => `organization-${r.id}`).sort());
    const importedRow = memberRows.find((r) => r.roles.includes('secretary') && r.org_id === demoOrgId('910425101201'))!;
    expect(members.latest.get(`member-${importedRow.id}`)?.data).toMatchObject({
      orgId: importedRow.org_id,
      roles: ['secretary'],
      membership: 'active',
    });
    const verifier = OrgEventVerifier.fromEnv();
    for (const r of [...members.all, ...organizations.all].filter((x) => x.value !== null)) {
      const envelope = JSON.parse(r.value!) as Parameters<typeof verifier.verify>[0];
      expect([MemberState.type, OrganizationState.type]).toContain(envelope.type);
      expect(publicContracts.validate(envelope).ok).toBe(true);
      expect(verifier.verify(envelope).ok).toBe(true);
    }
    // ADR 0085: a batch's records share one signed root, and each still verifies on its own.
    const envelopes = [...members.all, ...organizations.all]
      .filter((r) => r.value !== null)
      .map((r) => JSON.parse(r.value!) as Parameters<typeof verifier.verify>[0]);
    const roots = new Set(envelopes.map((e) => (e.metadata?.['signature'] as { root?: string }).root));
    expect(roots.size).toBeLessThan(envelopes.length / 10);
    for (const e of envelopes.filter((_, i) => i % 97 === 0)) expect(OrgEventVerifier.fromEnv().verify(e).ok).toBe(true);
  });

  it('carries no personal data: no member name, ID number or phone in any record', async () => {
    const records = [...(await latestByKey(kafka, topics.member)).all, ...(await latestByKey(kafka, topics.organization)).all];
    const names = [...seeded.map((m) => m.name), ...imported.map((m) => m.name)];
    const numbers = [...seeded.flatMap((m) => [m.idNumber, m.phone ?? '']), ...imported.flatMap((m) => [m.idNumber, m.phone])].filter(
      Boolean,
    );
    const offending: string[] = [];
    for (const r of records) {
      const envelope = JSON.parse(r.value!) as { type: string; data: Record<string, unknown> };
      // Chinese text may appear only as an organisation's own name; a member record has none at all.
      const withoutOrgName = JSON.stringify({ ...envelope, data: { ...envelope.data, name: undefined } });
      if (/[\u3400-\u9fff]/.test(withoutOrgName)) offending.push(`${r.key}: Chinese text outside an organisation name`);
      // Outside the signature (random base64url), no standalone number shaped like an ID-card or mobile number.
      if (/(?<![0-9A-Za-z])(\d{17}[\dX]|1[3-9]\d{9})(?![0-9A-Za-z])/.test(JSON.stringify({ ...envelope, metadata: undefined })))
        offending.push(`${r.key}: a number shaped like an ID or phone number`);
    }
    // Every run of digits and of Chinese text in any record, against every seeded and imported value.
    const runs = new Set(records.flatMap((r) => r.value!.match(/[0-9X]+|[\u3400-\u9fff]+/g) ?? []));
    for (const n of [...names, ...numbers]) if (runs.has(n)) offending.push(`personal value ${n}`);
    expect(names.length).toBe(seeded.length + imported.length);
    expect(offending).toEqual([]);
  });

  it('publishes a newer version when a row changes by any path, and a tombstone with its signed removal when one is truly deleted', async () => {
    const before = await latestByKey(kafka, topics.member);
    const [moved, deleted] = seeded;
    // Plain SQL, the way no command would: the triggers still note it.
    await db.pool.query(`update members set roles = array['committee_member'] where id = $1`, [moved!.id]);
    await db.pool.query(`delete from member_history where member_id = $1`, [deleted!.id]);
    await db.pool.query(`delete from members where id = $1`, [deleted!.id]);
    await db.pool.query(`update members set version = version + 1 where id = $1`, [seeded[2]!.id]);
    expect(await drain(publisher)).toBe(2);

    const after = await latestByKey(kafka, topics.member);
    const m = after.latest.get(`member-${moved!.id}`)!;
    expect(m.data).toMatchObject({ roles: ['committee_member'] });
    expect(m.version!).toBeGreaterThan(before.latest.get(`member-${moved!.id}`)!.version!);
    expect(after.latest.get(`member-${deleted!.id}`)).toMatchObject({ raw: null });
    // ADR 0130: the tombstone carries the organization service's removal of its key, signed, newer than every state of it.
    const tombstone = after.all.find((r) => r.key === `member-${deleted!.id}` && r.value === null)!;
    const claim = stateRemovalClaim(tombstone.key, tombstone.headers[STATE_REMOVAL_HEADER]);
    if (!claim.ok) throw new Error(claim.reason);
    expect(claim).toMatchObject({ kind: 'member', id: deleted!.id, envelope: { type: MemberStateRemoved.type, orgId: 'platform' } });
    expect(claim.version).toBeGreaterThan(before.latest.get(`member-${deleted!.id}`)!.version!);
    expect(OrgEventVerifier.fromEnv().verify(claim.envelope)).toMatchObject({ ok: true });
    expect(publicContracts.validate(claim.envelope).ok).toBe(true);
    // As the AsyncAPI document describes it (docs/events): a null value, every header it requires, the removal it names.
    const documented = documentedMessage(MemberStateRemoved);
    expect(documented.payload.schema.type).toBe('null');
    expect(Object.keys(tombstone.headers)).toEqual(expect.arrayContaining(documented.headers.schema.required));
    expect(claim.envelope.type).toBe(documented.headers.schema.properties[STATE_REMOVAL_HEADER]!.contentSchema.properties.type.const);
    // A change to an unpublished column (version) publishes nothing.
    expect(after.latest.get(`member-${seeded[2]!.id}`)!.version).toBe(before.latest.get(`member-${seeded[2]!.id}`)!.version);
  });

  it('sends every organisation and member again, at newer versions, once their states are all noted (organization:republish-state)', async () => {
    // Two more organisations by plain SQL: one deleted for good, one deleted and inserted again under its id.
    const [gone, back] = [randomUUID(), randomUUID()];
    const copyOfAVillage = (id: string, suffix: string) =>
      db.pool.query(
        `insert into organizations (id, code, name, level, kind, sector, parent_id, path, depth, established_on)
         select $1::uuid, code || $2::text, name || $2::text, level, kind, sector, parent_id, regexp_replace(path, '[^/]+/$', $1::text || '/'), depth, established_on
           from organizations where level = 'village' order by code limit 1`,
        [id, suffix],
      );
    await copyOfAVillage(gone, '9');
    await copyOfAVillage(back, '8');
    await db.pool.query(`delete from organizations where id = any($1::uuid[])`, [[gone, back]]);
    await copyOfAVillage(back, '8');
    await drain(publisher);
    const removalsOf = (records: ReadRecord[], key: string) =>
      records.filter((r) => r.key === key && r.value === null).map((r) => stateRemovalClaim(r.key, r.headers[STATE_REMOVAL_HEADER]));
    const before = { members: await latestByKey(kafka, topics.member), organizations: await latestByKey(kafka, topics.organization) };
    const counts = await db.pool.query<{ organizations: number; members: number }>(
      `select (select count(*)::int from organizations) as organizations, (select count(*)::int from members) as members`,
    );
    // The member the test above deleted and the organisation deleted here: their removals are sent
    // again too. The one inserted again is noted once, for its state.
    expect(await noteEveryState(db.pool)).toEqual({ ...counts.rows[0], removals: 2 });
    expect(await drain(publisher)).toBe(counts.rows[0]!.organizations + counts.rows[0]!.members + 2);

    const after = { members: await latestByKey(kafka, topics.member), organizations: await latestByKey(kafka, topics.organization) };
    for (const kind of ['members', 'organizations'] as const)
      for (const [key, now] of after[kind].latest) {
        const was = before[kind].latest.get(key)!;
        // A row deleted stays removed; every other is sent again, newer, with the same data.
        if (was.raw === null) expect(now.raw).toBeNull();
        else expect([key, now.version! > was.version!, now.data]).toEqual([key, true, was.data]);
      }
    expect(after.organizations.latest.get(`organization-${back}`)).toMatchObject({ data: { orgId: back } });
    // ADR 0130: each deleted key's removal again, newer than every one before it, so an older state
    // left as the key's last record after compaction dropped the earlier tombstone is removed again.
    // (A publishing round that lost its lease is sent again whole: a key may carry more than one.)
    for (const [kind, key] of [
      ['members', `member-${seeded[1]!.id}`],
      ['organizations', `organization-${gone}`],
    ] as const) {
      const earlier = removalsOf(before[kind].all, key);
      const now = removalsOf(after[kind].all, key);
      expect([key, now.length > earlier.length, now.every((c) => c.ok)]).toEqual([key, true, true]);
      const versions = (claims: typeof now) => claims.map((c) => (c.ok ? c.version : 0));
      const newest = now[now.length - 1]!;
      if (!newest.ok) throw new Error(newest.reason);
      expect(newest.version).toBeGreaterThan(Math.max(...versions(earlier)));
      expect(OrgEventVerifier.fromEnv().verify(newest.envelope)).toMatchObject({ ok: true });
    }
  });

  it('creates the state topics compacted, and compacts one created before with the broker defaults', async () => {
    const plain = `${topics.member}.plain`;
    const admin = kafka.admin();
    await admin.connect();
    try {
      await createLedTopics(admin, [{ topic: plain, numPartitions: 1 }]);
      await ensureCompactedStateTopics(kafka, [plain]);
      const policies = async () => {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [topics.member, topics.organization, plain].map((name) => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configNames: ['cleanup.policy'],
          })),
        });
        return resources.map((r) => r.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue);
      };
      // A changed topic config reaches the broker's own view a moment after the change is accepted
      // (a clean-clone run read 'delete' right after it): the promise is that it gets there.
      await waitUntil('the three topics compacted', async () => (await policies()).every((p) => p === 'compact'), {
        timeoutMs: 15_000,
      }).catch(() => undefined);
      expect(await policies()).toEqual(['compact', 'compact', 'compact']);
    } finally {
      await admin.disconnect();
    }
  });
});
