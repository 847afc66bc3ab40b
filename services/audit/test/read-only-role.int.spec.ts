import { Client } from 'pg';
import { infraConfig, serviceDatabaseUrl } from '@vanguard/infra-config';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the roles are made exactly as `npm run migrate` makes them
import { migrate } from '../../../scripts/migrate';
import { AUDITED_SCHEMAS, auditReaderUrl } from '../src/infrastructure/audit-database';

const INSUFFICIENT_PRIVILEGE = '42501';

/** The audit service's connections can read the audited stores and write nothing, nor read subject keys. */
describe('the audit roles (integration)', () => {
  const testDb = infraConfig().testDatabaseUrl;
  let reader: Client;
  let trail: Client;

  beforeAll(async () => {
    const admin = new Client({ connectionString: testDb });
    await admin.connect();
    try {
      await admin.query(`select pg_advisory_lock(hashtext('vanguard.evaluation.test-setup'))`);
      await migrate('test');
    } finally {
      await admin.end();
    }
    reader = new Client({ connectionString: auditReaderUrl(testDb) });
    trail = new Client({ connectionString: serviceDatabaseUrl('audit', testDb) });
    await Promise.all([reader.connect(), trail.connect()]);
  });
  afterAll(async () => {
    await Promise.all([reader?.end(), trail?.end()]);
  });

  const refused = async (c: Client, sql: string) => {
    await expect(c.query(sql)).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
  };

  it.each(AUDITED_SCHEMAS)('reads %s events, stream heads and the JSON view', async (s) => {
    await reader.query(`select count(*) from ${s}.events`);
    await reader.query(`select count(*) from ${s}.streams`);
    await reader.query(`select data from ${s}.events_view limit 1`);
  });

  it.each(AUDITED_SCHEMAS)('cannot insert, update or delete %s events, nor move a stream head', async (s) => {
    await refused(reader, `insert into ${s}.events (stream_id) values ('pledge-forged')`);
    await refused(reader, `update ${s}.events set type = type`);
    await refused(reader, `delete from ${s}.events`);
    await refused(reader, `update ${s}.streams set version = version`);
    await refused(reader, `insert into ${s}.snapshots (stream_id) values ('pledge-forged')`);
  });

  it.each(AUDITED_SCHEMAS)('cannot append through the %s store functions', async (s) => {
    await refused(reader, `select ${s}.append_events('pledge-forged', '', 0, array['{}'], array['{}'])`);
  });

  it.each(AUDITED_SCHEMAS)('cannot read %s subject keys, wrapped or not, nor snapshots', async (s) => {
    await refused(reader, `select * from ${s}.personal_keys`);
    await refused(reader, `select subject_id from ${s}.personal_keys`);
    await refused(reader, `select * from ${s}.snapshots`);
  });

  it("reads evaluation's copy of the organisation tree and its history, and cannot change either", async () => {
    await reader.query(`select id, parent_id, status, merged_into_id from evaluation.org_tree limit 1`);
    await refused(reader, `update evaluation.org_tree set name = name`);
    await refused(reader, `delete from evaluation.org_tree`);
    await reader.query(`select id, fact, version, parent_id, status, valid_from from evaluation.org_tree_history limit 1`);
    await refused(reader, `update evaluation.org_tree_history set valid_from = valid_from`);
    await refused(
      reader,
      `insert into evaluation.org_tree_history (id, fact, version, valid_from) values (gen_random_uuid(), 'parent', 0, now())`,
    );
    await refused(reader, `delete from evaluation.org_tree_history`);
  });

  it('cannot create anything in the audited schemas or public', async () => {
    await refused(reader, `create table evaluation.forged (id int)`);
    await refused(reader, `create table public.forged (id int)`);
  });

  it("the trail's own role may append but never change or delete an entry of the auditors' trail", async () => {
    await trail.query(`select count(*) from audit.events`);
    await refused(trail, `update audit.events set type = type`);
    await refused(trail, `delete from audit.events`);
    await refused(trail, `select * from evaluation.events`);
  });
});
