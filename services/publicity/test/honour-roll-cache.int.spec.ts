import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CommendationDecided, CommendationRevoked, type ContractEvent } from '@vanguard/contracts';
import { waitUntil, type TestSchema } from '@vanguard/testing';
import { CommitRolledBackError } from '@vanguard/messaging';
import { commendationDecided, commendationRevoked } from '../src/application/exemplar-proposals';
import { HonourRollVersion } from '../src/infrastructure/honour-roll/honour-roll-version';
import { UnitOfWork } from '../src/infrastructure/persistence/unit-of-work';
import { createPublicitySchema, decided, publicityAppOn, revoked } from './support/publicity-test-app';

// Two replicas of the service on one schema, as two processes share the database. The roll is
// served from pages rendered per version and kept in memory; these prove a change in the data
// reaches the readers at once: committed by this replica, the next read shows it; committed by
// the other, it shows as soon as its notification arrives. A cache that ignored the version
// (or waited for a TTL) would keep serving the old page and fail here.
describe('honour roll cache follows the data', () => {
  let schema: TestSchema;
  let reader: INestApplication;
  let other: INestApplication;
  const names = async (app: INestApplication) => {
    const res = await request(app.getHttpServer()).get('/honour-roll?limit=200').expect(200);
    return { names: (res.body as { items: { name: string }[] }).items.map((i) => i.name), etag: res.headers['etag'] as string };
  };
  const decide = (app: INestApplication, name: string, nominationId = randomUUID()) => {
    const event = decided(name, nominationId) as unknown as ContractEvent<typeof CommendationDecided>;
    return app.get(UnitOfWork).run((tx) => commendationDecided(tx, event, { topic: CommendationDecided.topic }));
  };

  beforeAll(async () => {
    schema = await createPublicitySchema('publicity_roll_cache');
    [reader, other] = await Promise.all([publicityAppOn(schema, { decisions: false }), publicityAppOn(schema, { decisions: false })]);
    await waitUntil(
      'both replicas know the roll version',
      () => reader.get(HonourRollVersion).current() !== undefined && other.get(HonourRollVersion).current() !== undefined,
      { timeoutMs: 10_000 },
    );
  });

  afterAll(async () => {
    await reader?.close();
    await other?.close();
    await schema?.drop();
  });

  it('a change committed by this replica is on the next read, and a revocation is off it, without waiting', async () => {
    await decide(reader, '赵一');
    const first = await names(reader);
    expect(first.names).toContain('赵一');
    // The page is now cached at this version; the next change must not be hidden by it.
    const nominationId = randomUUID();
    await decide(reader, '钱二', nominationId);
    const second = await names(reader);
    expect(second.names).toEqual(expect.arrayContaining(['赵一', '钱二']));
    expect(second.etag).not.toBe(first.etag);
    const revocation = revoked(nominationId, '事迹失实') as unknown as ContractEvent<typeof CommendationRevoked>;
    await reader.get(UnitOfWork).run((tx) => commendationRevoked(tx, revocation, { topic: CommendationRevoked.topic }));
    expect((await names(reader)).names).not.toContain('钱二');
    // The history changed with it: its cached page moved too.
    const history = await request(reader.getHttpServer()).get('/honour-roll/history').expect(200);
    expect((history.body as { items: { change: string; name: string }[] }).items[0]).toMatchObject({ change: 'revoked', name: '钱二' });
  });

  it('shows a revocation whose reason carries a phone or ID-card number without that reason', async () => {
    const nominationId = randomUUID();
    await decide(reader, '孙三', nominationId);
    // Decided before commendation refused such reasons (DecisionTextCarriesNoPersonalNumbersRule), or by a service without it.
    const revocation = revoked(nominationId, '经查，举报人电话13800138000，身份证152522198001011234') as unknown as ContractEvent<
      typeof CommendationRevoked
    >;
    await reader.get(UnitOfWork).run((tx) => commendationRevoked(tx, revocation, { topic: CommendationRevoked.topic }));
    const history = await request(reader.getHttpServer()).get('/honour-roll/history').expect(200);
    const first = (history.body as { items: { change: string; name: string; reason: string | null }[] }).items[0]!;
    expect(first).toMatchObject({ change: 'revoked', name: '孙三', reason: expect.stringMatching(/^（撤销理由含个人号码，不予公开/) });
    expect(JSON.stringify(history.body)).not.toMatch(/13800138000|152522198001011234/);
    // And a document number carrying one, from a decision taken before commendation refused it, is withheld likewise.
    const numbered = randomUUID();
    const decision = decided('周四', numbered) as unknown as ContractEvent<typeof CommendationDecided>;
    const withNumber = { ...decision, data: { ...decision.data, documentNumber: '松组发〔2026〕13812345678号' } };
    await reader.get(UnitOfWork).run((tx) => commendationDecided(tx, withNumber, { topic: CommendationDecided.topic }));
    const after = await request(reader.getHttpServer()).get('/honour-roll/history').expect(200);
    expect(JSON.stringify(after.body)).not.toContain('13812345678');
    expect(JSON.stringify(after.body)).toContain('文号含个人号码，不予公开');
    // A name carrying one (decided under an older reading of commendation's rule) is withheld on the roll and its history.
    for (const name of ['张三13800138000', '张三 138.0013.8000']) await decide(reader, name);
    const roll = await request(reader.getHttpServer()).get('/honour-roll?limit=200').expect(200);
    const lines = await request(reader.getHttpServer()).get('/honour-roll/history').expect(200);
    for (const page of [roll.body, lines.body]) {
      expect(JSON.stringify(page)).not.toMatch(/138\.?0013\.?8000/);
      expect(JSON.stringify(page)).toContain('姓名含个人号码，不予公开');
    }
    const proposed = await schema.pool.query<{ name: string }>(`select name from exemplars where name like '%138%'`);
    expect(proposed.rows).toEqual([]);
    // A row stored before names were judged on the way in is withheld when read.
    await schema.pool.query(
      `insert into commendations (nomination_id, programme_id, category, nominee_kind, nominee_id, name, org_id, org_name, document_number, decided_on)
       values ($1, $2, 'outstanding_member', 'member', $3, '赵六 139 1234 5678', $4, '红石村党支部', '松组发〔2026〕7号', '2026-06-28')`,
      [randomUUID(), randomUUID(), randomUUID(), randomUUID()],
    );
    await reader.get(UnitOfWork).run((tx) => tx.honourRollChanged());
    const reread = await request(reader.getHttpServer()).get('/honour-roll?limit=200').expect(200);
    expect(JSON.stringify(reread.body)).not.toMatch(/139 1234 5678/);
    expect((reread.body as { total: number }).total).toBe((roll.body as { total: number }).total + 1);
  });

  it('a change committed by another replica reaches this one’s cached page with its notification; the old ETag gets the new page', async () => {
    const before = await names(reader);
    await request(reader.getHttpServer()).get('/honour-roll?limit=200').set('If-None-Match', before.etag).expect(304);
    await decide(other, '孙三');
    const after = await waitUntil(
      'the other replica’s change on this replica’s roll',
      async () => {
        const now = await names(reader);
        return now.names.includes('孙三') && now;
      },
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    expect(after.etag).not.toBe(before.etag);
    const stale = await request(reader.getHttpServer()).get('/honour-roll?limit=200').set('If-None-Match', before.etag).expect(200);
    expect(stale.headers['etag']).toBe(after.etag);
  });

  it('a unit of work whose swallowed error rolls COMMIT back fails, leaves the known version alone, and the next real change is served', async () => {
    const known = reader.get(HonourRollVersion).current();
    // Plain TypeORM resolves this transaction although Postgres answers its COMMIT with ROLLBACK.
    await expect(
      reader.get(UnitOfWork).run(async (tx) => {
        await tx.honourRollChanged();
        await tx.query(`select 1 / 0`).catch(() => undefined);
      }),
    ).rejects.toThrow(CommitRolledBackError);
    expect(reader.get(HonourRollVersion).current()).toBe(known);
    // A page rendered now must not be taken for the version the next real change commits as.
    await names(reader);
    await decide(reader, '周四');
    expect((await names(reader)).names).toContain('周四');
  });

  it('answers hits ahead of Express, and a revocation by the other replica still leaves the roll at once', async () => {
    const express = reader.getHttpAdapter().getInstance() as { handle: (...args: unknown[]) => unknown };
    const reachedExpress = jest.spyOn(express, 'handle');
    try {
      const nominationId = randomUUID();
      await decide(other, '吴五', nominationId);
      const shown = await waitUntil(
        'the other replica’s decision on this replica’s roll',
        async () => (await names(reader)).names.includes('吴五'),
        {
          timeoutMs: 5_000,
          intervalMs: 20,
        },
      );
      expect(shown).toBe(true);
      reachedExpress.mockClear();
      const hit = await request(reader.getHttpServer()).get('/honour-roll?limit=200').set('x-correlation-id', 'roll-hit-1').expect(200);
      await request(reader.getHttpServer())
        .get('/honour-roll?limit=200')
        .set('If-None-Match', hit.headers['etag'] as string)
        .expect(304);
      // Served from memory, before the access logger, the router and the pipeline ever see it.
      expect(reachedExpress).not.toHaveBeenCalled();
      expect(hit.headers['x-correlation-id']).toBe('roll-hit-1');
      const revocation = revoked(nominationId, '材料不实') as unknown as ContractEvent<typeof CommendationRevoked>;
      await other.get(UnitOfWork).run((tx) => commendationRevoked(tx, revocation, { topic: CommendationRevoked.topic }));
      await waitUntil('the revocation off this replica’s roll', async () => !(await names(reader)).names.includes('吴五'), {
        timeoutMs: 5_000,
        intervalMs: 20,
      });
      // The hits are still counted where the metrics middleware would have counted them.
      const metrics = await request(reader.getHttpServer()).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/honour-roll"[^}]*status="304"[^}]*\} [1-9]/);
    } finally {
      reachedExpress.mockRestore();
    }
  });

  it('shows no personal data: name, organisation, category, document, day and story only', async () => {
    const res = await request(reader.getHttpServer()).get('/honour-roll').expect(200);
    for (const item of (res.body as { items: Record<string, unknown>[] }).items)
      expect(Object.keys(item).sort()).toEqual(['category', 'documentNumber', 'kind', 'name', 'on', 'orgName', 'story']);
  });
});
