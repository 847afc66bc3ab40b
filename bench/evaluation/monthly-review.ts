/**
 * 月度观摩点评 at county scale (issue 13): one round over 5,000 units with 20 scores each (rubric v2's ten
 * criteria from two scorers: the zone's leader and a county organizer) — 100,000 scores — through HTTP
 * with real Keycloak tokens, in ≤ 10 s end to end: opened, scored in batches of 1,000 units (one event
 * each, appended at the version read), concluded, and the ranking in monthly_review_result_view.
 *   npm run bench:monthly-review [-- --json] [--units 5000] [--batch 1000]
 *
 * It uses the test database as the test suites do (migrated, a fresh township with its villages put
 * into the org-tree copy) and the evaluation service in-process (createEvaluationTestApp, listening on
 * a local port). Setting up (the tree, the campaign, the zone) is reported apart from the round.
 */
import type { INestApplication } from '@nestjs/common';
import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OrgTreeProjection } from '@vanguard/auth';
import { OrganizationRegistered } from '@vanguard/contracts';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { openCampaign } from '../../services/evaluation/test/support/campaign-fixture';
import { createEvaluationTestApp } from '../../services/evaluation/test/support/evaluation-test-app';

const argv = process.argv.slice(2);
const arg = (n: string, d: string) => {
  const i = argv.indexOf(`--${n}`);
  return i >= 0 ? argv[i + 1]! : d;
};
const JSON_OUT = argv.includes('--json');
const UNITS = Number(arg('units', '5000'));
const BATCH = Number(arg('batch', '1000'));
const CRITERIA = 10;
const log = (line: string) => (JSON_OUT ? undefined : console.log(line));
const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

async function townshipOf(units: number): Promise<{ township: string }> {
  const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await db.connect();
  try {
    await db.query(`set search_path to evaluation`);
    await db.query('begin');
    const projection = new OrgTreeProjection();
    const register = (id: string, parentId: string, parentCode: string, code: string, level: string) =>
      projection.apply(db, {
        type: OrganizationRegistered.type,
        streamVersion: 0,
        data: { organizationId: id, parentId, parentCode, code, name: `观摩${level}${code}`, level },
      });
    const code = `910425${randomInt(300, 999)}${randomInt(100, 999)}`;
    const township = randomUUID();
    await register(township, demoOrgId('910425'), '910425', code, 'township');
    for (let i = 0; i < units; i++) await register(randomUUID(), township, code, `${code}${String(i).padStart(5, '0')}`, 'village');
    await db.query('commit');
    return { township };
  } finally {
    await db.end();
  }
}

async function main(): Promise<void> {
  const today = '2011-05-30';
  const t0 = Date.now();
  const { township } = await townshipOf(UNITS);
  const app: INestApplication = await createEvaluationTestApp({ now: () => new Date(`${today}T04:00:00Z`), today: () => today });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  const [organizerToken, leaderToken] = [await tokenFor('county.organizer'), await tokenFor('township.secretary')];
  const call = async (token: string, path: string, body: unknown, expected: number) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  try {
    const { campaignId } = await openCampaign(app, organizerToken);
    const tZone = Date.now();
    const zone = await call(
      organizerToken,
      '/zones',
      { campaignId, name: '观摩片区', leader: subOf(leaderToken), under: { orgId: township, level: 'village' }, reason: 'bench' },
      201,
    );
    const zoneMs = Date.now() - tZone;
    const setupMs = Date.now() - t0;
    const zoneRead = await fetch(`${base}/zones/${zone['zoneId'] as string}`, { headers: { authorization: `Bearer ${organizerToken}` } });
    const units = ((await zoneRead.json()) as { units: string[] }).units;
    if (units.length !== UNITS) throw new Error(`zone holds ${units.length} units, not ${UNITS}`);
    log(`setup: ${UNITS} units in the tree copy, campaign, zone designated (${zoneMs} ms) — ${setupMs} ms`);

    const start = Date.now();
    const { roundId } = (await call(
      leaderToken,
      `/zones/${zone['zoneId'] as string}/monthly-reviews`,
      { month: '2011-05', reason: 'bench' },
      201,
    )) as {
      roundId: string;
    };
    let requests = 0;
    for (const token of [leaderToken, organizerToken]) {
      for (let i = 0; i < units.length; i += BATCH) {
        const scores = units
          .slice(i, i + BATCH)
          .map((orgId, j) => ({ orgId, points: Array.from({ length: CRITERIA }, (_, c) => (i + j + c) % 11) }));
        await call(token, `/monthly-reviews/${roundId}/scores`, { scores, reason: 'bench' }, 201);
        requests++;
      }
    }
    const scoredMs = Date.now() - start;
    const concluded = (await call(leaderToken, `/monthly-reviews/${roundId}/conclude`, { reason: 'bench' }, 200)) as { results: unknown[] };
    const concludedMs = Date.now() - start;
    const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
    await db.connect();
    let projected = 0;
    const deadline = Date.now() + 60_000;
    while (projected < concluded.results.length && Date.now() < deadline) {
      const { rows } = await db.query<{ n: string }>(
        `select count(*) as n from evaluation.monthly_review_result_view where round_id = $1`,
        [roundId],
      );
      projected = Number(rows[0]!.n);
      if (projected < concluded.results.length) await new Promise((r) => setTimeout(r, 20));
    }
    await db.end();
    const endToEndMs = Date.now() - start;
    const figures = {
      units: UNITS,
      scores: UNITS * CRITERIA * 2,
      scoreRequests: requests,
      batchUnits: BATCH,
      setupMs,
      zoneDesignationMs: zoneMs,
      scoredMs,
      concludedMs,
      endToEndMs,
      ranked: concluded.results.length,
      projected,
      targetMs: 10_000,
      met: endToEndMs <= 10_000 && projected === UNITS,
    };
    if (JSON_OUT) console.log(JSON.stringify(figures));
    else {
      log(`round: opened, ${figures.scores} scores in ${requests} batches ${scoredMs} ms, concluded ${concludedMs} ms,`);
      log(
        `       ${projected} ranked units in the result view ${endToEndMs} ms end to end (target ≤ 10,000 ms: ${figures.met ? 'met' : 'NOT met'})`,
      );
    }
  } finally {
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
