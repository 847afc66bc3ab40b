import type { Pool } from 'pg';
import { waitUntil } from '@vanguard/testing';

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
