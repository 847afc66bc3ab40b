import type { Pool } from 'pg';
import { waitUntil } from '@vanguard/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the demo region the realm's users point into, as organization's own test apps prepare it
import { DEMO_REGION } from '../../../../services/organization/src/infrastructure/seed/demo-region';

/** An organisation made by a person through organization's API (the service at `port`); its id. */
export async function createOrg(
  port: number,
  token: string,
  o: { parentId: string; code: string; name: string; level: string; kind: string },
): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/organizations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...o, sector: 'rural', establishedOn: '2005-01-01' }),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id) throw new Error(`organisation not created: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}

/** Until every owning service holds each village: evaluation's scope tree (with its path) and roster, and assistance's roster. */
export async function learnVillages(db: Pool, ids: readonly string[], catchUp: { timeoutMs: number }): Promise<void> {
  const known = (sql: string, id: string) => async () => ((await db.query(sql, [id])).rowCount ?? 0) > 0;
  for (const id of ids) {
    // Evaluation keeps two copies: the scope tree (organization's events) and the roster its deciders read (state topics).
    await waitUntil(
      'evaluation to know the village and its path',
      known('select 1 from evaluation.org_tree where id = $1 and path is not null', id),
      catchUp,
    );
    await waitUntil(
      'evaluation’s roster to hold the village',
      known('select 1 from evaluation.roster_organizations where id = $1', id),
      catchUp,
    );
    await waitUntil('assistance to know the village', known('select 1 from assistance.roster_organizations where id = $1', id), catchUp);
  }
}

/**
 * Other suites' test apps run without a relay, so organization's outbox in the shared test
 * database holds their events (30,000 from one roster fixture), and its roster-state notes their
 * organisations and members (ADR 0029); a relay and state publisher started now would send them
 * all before the suite's villages. They are no business of the suite: marked published, as if
 * relayed, and the notes dropped. The demo region's notes stay: on a fresh database they are how
 * evaluation and assistance first learn the counties a county message is scoped by.
 */
export async function dropOthersBacklog(db: Pool): Promise<void> {
  await db.query(`update organization.vanguard_outbox set published_at = now() where published_at is null`);
  await db.query(`delete from organization.roster_state_changes where not (kind = 'organization' and entity_id = any($1::uuid[]))`, [
    DEMO_REGION.map((o) => o.id),
  ]);
}

/** Why a village was not learnt: organization's unsent rows and notes, and per village whether its event was relayed and what evaluation's tree holds of it. */
export async function villagesRelayState(db: Pool, ids: readonly string[]): Promise<{ unsent: unknown; villages: unknown[] }> {
  const unsent = await db.query(
    `select (select count(*) from organization.vanguard_outbox where published_at is null) outbox, (select count(*) from organization.roster_state_changes) notes`,
  );
  const villages = await db.query(
    `select v.id, (select bool_and(published_at is not null) from organization.vanguard_outbox where stream_id = 'organization-' || v.id) relayed,
            (select count(*) from evaluation.org_tree where id = v.id::uuid) in_tree, (select path from evaluation.org_tree where id = v.id::uuid) path
       from unnest($1::text[]) v(id)`,
    [ids],
  );
  return { unsent: unsent.rows[0], villages: villages.rows };
}
