import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { infraConfig } from '@vanguard/infra-config';
import { tokenFor } from '@vanguard/testing';
import { openCampaign } from './campaign-fixture';
import { freshTownship } from './fresh-orgs';

const subOf = (token: string): string => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub;

/** The realm's users a hostile pass acts as: two zones' leaders, the organizer above them, a secretary outside. */
export const USERS = ['county.organizer', 'zone.leader.01', 'zone.leader.02', 'other.township.secretary'] as const;
export type User = (typeof USERS)[number];

export interface TwoZones {
  readonly tokens: Record<User, string>;
  readonly campaignId: string;
  /** Zone A holds villages 0 and 1 and is led by zone.leader.01; zone B holds 2 and 3, led by zone.leader.02. */
  readonly zones: readonly [string, string];
  readonly villages: readonly string[];
  /** May 2011's round of zone A, opened by its leader. */
  readonly roundId: string;
}

/**
 * A fresh township's four villages split into two zones of one campaign, each led by one of the realm's
 * zone leaders by their token's subject, and zone A's May round open: what the hostile specs attack.
 */
export async function twoZones(app: INestApplication): Promise<TwoZones> {
  const { villages } = await freshTownship(4);
  const tokens = {} as Record<User, string>;
  for (const u of USERS) tokens[u] = await tokenFor(u);
  const post = (user: User, path: string, body: object) =>
    request(app.getHttpServer() as Parameters<typeof request>[0])
      .post(path)
      .set({ Authorization: `Bearer ${tokens[user]}` })
      .send(body);
  const { campaignId } = await openCampaign(app, tokens['county.organizer']);
  const zones: string[] = [];
  for (const [i, leader] of (['zone.leader.01', 'zone.leader.02'] as const).entries()) {
    const made = await post('county.organizer', '/zones', {
      campaignId,
      name: `第${i + 1}片区`,
      leader: subOf(tokens[leader]),
      units: villages.slice(2 * i, 2 * i + 2),
      reason: '划分片区',
    });
    if (made.status !== 201) throw new Error(`zone: ${made.status} ${JSON.stringify(made.body)}`);
    zones.push((made.body as { zoneId: string }).zoneId);
  }
  const opened = await post('zone.leader.01', `/zones/${zones[0]!}/monthly-reviews`, { month: '2011-05', reason: '月底观摩' });
  if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
  return { tokens, campaignId, zones: [zones[0]!, zones[1]!], villages, roundId: (opened.body as { roundId: string }).roundId };
}

/** The event types of one stream, in order: "nothing changed" is this list unchanged. */
export async function eventsOf(streamId: string): Promise<string[]> {
  const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ type: string }>(`select type from evaluation.events where stream_id = $1 order by stream_version`, [
      streamId,
    ]);
    return rows.map((r) => r.type);
  } finally {
    await db.end();
  }
}

/**
 * How many events this suite's field work holds: its campaign's zone designations, its zones' rounds
 * and the findings at its villages. Scoped so that other suites writing field work at the same time
 * (a clean-clone run runs them in parallel against one database) do not move the count.
 */
export async function fieldWorkEventCount(z: TwoZones): Promise<number> {
  const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: string }>(
      `with rounds as (select distinct stream_id from evaluation.events_view
                        where type = 'evaluation.MonthlyReviewOpened' and data->>'zoneId' = any($1::text[]))
       select count(*) as n from evaluation.events_view e
        where e.stream_id in (select stream_id from rounds)
           or (e.type = 'evaluation.ZoneDesignated' and e.data->>'campaignId' = $2)
           or (e.stream_id like 'comment-%' and (e.org_id::text = any($3::text[]) or e.data->>'orgId' = any($3::text[])))`,
      [z.zones, z.campaignId, z.villages],
    );
    return Number(rows[0]!.n);
  } finally {
    await db.end();
  }
}
