import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { demoOrgId } from '@vanguard/infra-config';
import { tokenFor, type TestSchema } from '@vanguard/testing';
import { csvLine } from '@vanguard/spreadsheet';
import { isolatedOrganizationSchema } from './support/isolated-schema';
import { childCode, createOrganizationTestApp } from './support/organization-test-app';
import { finishedJob, MEMBER_HEADER, widenImportBudget } from './support/roster-fixtures';

const BAIHUA = demoOrgId('910425101');
const ROUNDS = 8;
const ROWS = 1_500;

/**
 * A real member import locks the organisations it writes under, batch by batch (ADR 0011's
 * import path, as enrolment does): a dissolution or merger racing it, at a random moment of
 * the import, either comes first and the import refuses those rows, or waits and then sees the
 * imported members. Whatever the interleaving, no active member ends up under a ceased organisation.
 */
describe('roster imports racing a dissolution or a merger', () => {
  let db: TestSchema;
  let sut: INestApplication;
  const tokens: Record<string, string> = {};
  const as = (user: string) => ({ Authorization: `Bearer ${tokens[user]}` });
  const http = () => request(sut.getHttpServer());
  const saved = { ...process.env };

  const village = async (name: string): Promise<{ id: string; code: string }> => {
    const res = await http()
      .post('/organizations')
      .set(as('county.organizer'))
      .send({
        code: childCode('910425101'),
        name,
        level: 'village',
        kind: 'branch',
        sector: 'rural',
        parentId: BAIHUA,
        establishedOn: '2005-01-01',
      });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, code: res.body.code as string };
  };

  beforeAll(async () => {
    db = await isolatedOrganizationSchema('import_cessation');
    widenImportBudget();
    sut = await createOrganizationTestApp({ databaseUrl: db.url, schema: db.schema });
    for (const u of ['county.organizer', 'township.secretary']) tokens[u] = await tokenFor(u);
  }, 120_000); // a schema of its own, migrated, and the app: over a minute when the shared machine is busy
  afterAll(async () => {
    process.env = saved;
    await sut?.close();
    await db?.drop();
  });

  it('leaves no active member under a ceased organisation, whichever comes first, at random moments', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const target = await village(`竞争村${round}`);
      const survivor = await village(`存续村${round}`);
      const csv = [
        csvLine(MEMBER_HEADER),
        ...Array.from({ length: ROWS }, (_, i) => csvLine([target.code, `党员${i}`, 'full', '2001-07-01', '', '', '', ''])),
      ].join('');
      const started = await http()
        .post('/imports/members')
        .query({ format: 'csv', dryRun: 'false' })
        .set(as('township.secretary'))
        .set('Content-Type', 'text/csv')
        .send(csv);
      expect(started.status).toBe(202);
      await new Promise((r) => setTimeout(r, Math.random() * 800));
      const merge = Math.random() < 0.5;
      const cessation = merge
        ? await http().post(`/organizations/${target.id}/merge`).set(as('county.organizer')).send({ survivingOrganizationId: survivor.id })
        : await http().post(`/organizations/${target.id}/dissolve`).set(as('county.organizer')).send({});
      const job = await finishedJob(sut, tokens['township.secretary']!, (started.body as { id: string }).id);
      outcomes.push(`${merge ? 'merge' : 'dissolve'} ${cessation.status} / import ${job.status}`);

      // Either the cessation came first and the import refused its rows, or it waited and then saw them.
      expect([200, 201, 204, 422]).toContain(cessation.status);
      expect(['succeeded', 'rejected']).toContain(job.status);
      const { rows } = await db.pool.query<{ n: number }>(
        `select count(*)::int as n from members m join organizations o on o.id = m.org_id where m.membership = 'active' and o.status <> 'active'`,
      );
      expect({ round, outcome: outcomes.at(-1), activeUnderCeased: rows[0]!.n }).toEqual({
        round,
        outcome: outcomes.at(-1),
        activeUnderCeased: 0,
      });
    }
    // For the record: which interleavings the rounds met.
    console.log(`roster import vs cessation: ${outcomes.join('; ')}`);
  }, 400_000);
});
