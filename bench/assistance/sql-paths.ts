import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { FundsDisbursed, publicContracts } from '@vanguard/contracts';
import { TypeOrmOutbox } from '@vanguard/messaging';
import type { FundMovement, SourceBalance } from '../../services/assistance/src/domain/funds/fund-ledger';
import { domainEvent } from '../../services/assistance/src/domain/shared/domain-event';
import { assistanceEnvelope } from '../../services/assistance/src/infrastructure/outbox/assistance-envelope';
import { PgFundRepository } from '../../services/assistance/src/infrastructure/persistence/pg-funds.repository';
import { PgProjectRepository } from '../../services/assistance/src/infrastructure/persistence/pg-projects.repository';

/**
 * A disbursement of 100 fen as the service's statements make it (ADR 0073), on a plain pg pool —
 * no Nest, no TypeORM, no domain — for the benches' SQL ceilings. `locked`: begin, the project
 * locked with its scope and balances, balance and entry, the event's numbered outbox row, commit.
 * `optimistic`: the unlocked read, then one guarded write with the event, both prepared once per
 * connection; the locked path after a miss (counted). The event is one valid FundsDisbursed,
 * validated once; each command stores it under its own id and stream.
 */
export function disbursementPaths(pool: Pool, countyId: string, anyProjectId: string) {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const projects = new PgProjectRepository();
  const funds = new PgFundRepository();
  const actor = { sub: 'bench', username: 'bench', roles: ['assistance_officer'], orgId: countyId, kind: 'user' as const };
  const movementOf = (projectId: string): FundMovement => ({
    id: randomUUID(),
    projectId,
    source: 'fiscal',
    kind: 'disbursement',
    amountFen: 100,
    on: today,
    purpose: '压测',
    reversesId: null,
    reversed: false,
  });
  const after = (b: SourceBalance): SourceBalance => ({ ...b, disbursedFen: b.disbursedFen + 100 });
  const template = assistanceEnvelope(
    domainEvent(FundsDisbursed, anyProjectId, countyId, {
      projectId: anyProjectId,
      orgId: countyId,
      movementId: randomUUID(),
      source: 'fiscal',
      amountFen: 100,
      balanceFen: 0,
      on: today,
      purpose: '压测',
    }),
    { actor, correlationId: randomUUID() },
    { eventId: randomUUID(), streamVersion: 0, now: new Date() },
  );
  const outbox = new TypeOrmOutbox({ contracts: publicContracts, streamVersions: 'stream_versions' });
  const inLocked = outbox.numberedCtes(template, { after: 'one', firstParam: 1 });
  // The guarded write's parameters are $1–$18 (PgFundRepository.recordIfUnchanged), the event's follow.
  const inGuarded = outbox.numberedCtes(template, { after: 'entry', firstParam: 19 });
  const [, type, version, , topic, envelope] = inLocked.params;
  const eventParams = (projectId: string) => [randomUUID(), type, version, `project-${projectId}`, topic, envelope];
  const names = new Map<string, string>();
  const prepared = {
    query: async <R>(text: string, values?: unknown[]) => {
      if (!names.has(text)) names.set(text, `paths_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`);
      return (await pool.query({ name: names.get(text), text, values })).rows as R[];
    },
  };
  let misses = 0;

  const locked = async (id: string): Promise<void> => {
    const client = await pool.connect();
    const tx = {
      query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
      publish: () => Promise.reject(new Error('not in the ceiling')),
    };
    try {
      await client.query('begin');
      const found = await projects.getForMoneyWithScope(tx, id, countyId);
      if (!found || found.orgs.length !== 2) throw new Error(`project ${id} is not in the county's scope`);
      await funds.record(tx, movementOf(id), after(found.balances[0]!), actor, new Date());
      await client.query(`with one as (select 1), ${inLocked.sql} select 1`, eventParams(id));
      await client.query('commit');
    } catch (e) {
      await client.query('rollback');
      throw e;
    } finally {
      client.release();
    }
  };
  const optimistic = async (id: string): Promise<void> => {
    const seen = await projects.peekForMoneyWithScope(prepared, id, countyId);
    if (!seen || seen.orgs.length !== 2) throw new Error(`project ${id} is not in the county's scope`);
    const write = funds.recordIfUnchanged(seen, movementOf(id), after(seen.balances[0]!), actor, new Date());
    if (write.params.length !== 18 || write.gate !== 'entry') throw new Error('the guarded write changed: renumber the event');
    const [r] = await prepared.query<{ applied: boolean }>(
      `with ${write.ctes}, ${inGuarded.sql} select exists (select 1 from outbox) as applied`,
      [...write.params, ...eventParams(id)],
    );
    if (r?.applied) return;
    misses++;
    await locked(id);
  };
  return { locked, optimistic, misses: () => misses };
}
