import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { tokenFor, waitUntil } from '@vanguard/testing';
import { RosterHttpController } from '../src/interface/http/roster.http.controller';
import { createOrganizationTestApp } from './support/organization-test-app';
import {
  exportQueriesRunning,
  listen,
  openDownload,
  poolIsIdle,
  poolOf,
  EXPORT_VILLAGE_MEMBERS,
  sharedExportVillage,
  widenImportBudget,
  type OpenDownload,
} from './support/roster-fixtures';

/** Enough members that an export is megabytes long: it cannot sit whole in the socket buffers when the client leaves. */
const MEMBERS = EXPORT_VILLAGE_MEMBERS;
/** More abandoned downloads than the pool has connections (10). */
const ABANDONED = 16;

describe(`${RosterHttpController.name} under abandoned downloads`, () => {
  let sut: INestApplication;
  let port: number;
  let village: { id: string; code: string };
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    widenImportBudget();
    sut = await createOrganizationTestApp();
    port = await listen(sut);
    for (const u of ['county.organizer', 'province.auditor', 'township.secretary']) tokens[u] = await tokenFor(u);
    village = await sharedExportVillage(sut, tokens['county.organizer']!);
  }, 300_000);
  afterAll(() => sut.close());

  const exportPath = (format: 'csv' | 'xlsx') => `/exports/members?format=${format}&subtreeOf=${village.id}`;

  /** Opens a download, takes its first chunk, then leaves; a 429 (a lease not yet returned) is retried. */
  const abandon = (user: string, format: 'csv' | 'xlsx') =>
    waitUntil(`an ${format} export for ${user} to start`, async () => {
      const d = await openDownload(port, exportPath(format), tokens[user]!);
      if (d.status === 429) return undefined;
      expect(d.status).toBe(200);
      await d.abort();
      return true;
    });

  it('ends the query and frees the connection of every download a client abandons: the service keeps answering', async () => {
    for (let i = 0; i < ABANDONED; i++) await abandon(i % 2 ? 'province.auditor' : 'county.organizer', i % 4 === 3 ? 'xlsx' : 'csv');

    await waitUntil('no export query left in Postgres', async () => (await exportQueriesRunning(sut)) === 0);
    await waitUntil('every pool connection back and idle', () => poolIsIdle(sut));
    const ready = await request(sut.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(200);
    const org = await request(sut.getHttpServer())
      .get(`/organizations/${village.id}`)
      .set('Authorization', `Bearer ${tokens['township.secretary']}`);
    expect(org.status).toBe(200);
    // A download that is read to its end still works and is complete.
    const full = await request(sut.getHttpServer())
      .get(exportPath('csv'))
      .set('Authorization', `Bearer ${tokens['county.organizer']}`)
      .buffer(true);
    expect(full.status).toBe(200);
    expect(full.text.trimEnd().split('\r\n')).toHaveLength(MEMBERS + 1);
    expect(poolOf(sut).totalCount).toBeLessThanOrEqual(10);
  }, 180_000); // sixteen exports of 30,000 members and one read in full: over a minute on the loaded shared machine

  it('refuses a third concurrent download of one user and a fourth in all with 429, Retry-After and the limit hit', async () => {
    const held: OpenDownload[] = [];
    try {
      for (let i = 0; i < 2; i++) held.push(await openDownload(port, exportPath('csv'), tokens['county.organizer']!));
      expect(held.map((d) => d.status)).toEqual([200, 200]);

      const third = await openDownload(port, exportPath('csv'), tokens['county.organizer']!);
      expect(third.status).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      expect(JSON.parse(third.first.toString())).toMatchObject({
        code: 'LIMIT.TOO_MANY',
        errors: [{ field: 'limit', reason: 'per_user' }],
      });

      held.push(await openDownload(port, exportPath('csv'), tokens['province.auditor']!));
      expect(held[2]!.status).toBe(200);
      const fourth = await openDownload(port, exportPath('csv'), tokens['township.secretary']!);
      expect(fourth.status).toBe(429);
      expect(JSON.parse(fourth.first.toString())).toMatchObject({ errors: [{ field: 'limit', reason: 'total' }] });
      // Short requests are not long work: they still pass while the downloads hold their slots.
      const me = await request(sut.getHttpServer()).get('/me').set('Authorization', `Bearer ${tokens['township.secretary']}`);
      expect(me.status).toBe(200);
    } finally {
      for (const d of held) await d.abort();
    }
    await waitUntil('a slot to come back after the held downloads are closed', async () => {
      const d = await openDownload(port, exportPath('csv'), tokens['township.secretary']!);
      await d.abort();
      return d.status === 200;
    });
    await waitUntil('every pool connection back and idle', () => poolIsIdle(sut));
  });
});
