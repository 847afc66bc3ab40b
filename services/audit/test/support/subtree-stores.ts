import { OrganizationRegistered } from '@vanguard/contracts';
import { OrgTreeProjection, bootstrapDemoTree, migrateOrgTree } from '@vanguard/auth';
import { PostgresEventStore, createReadOnlyRole, migrate as migrateStore } from '@vanguard/event-store';
import { demoOrgId } from '@vanguard/infra-config';
import { createTestSchema, waitUntil, type TestSchema } from '@vanguard/testing';
import { AUDIT_READER_ROLE, grantOrgTreeRead } from '../../src/infrastructure/audit-database';

export const COUNTY = demoOrgId('910425');
export const TOWN = demoOrgId('910425101');
/** The county's second township (河口镇), where a village can move. */
export const OTHER_TOWN = demoOrgId('910425102');
export const VILLAGE = demoOrgId('910425101201');
export const OTHER_COUNTY = demoOrgId('910426');
/** A second province: outside the demo auditors' subtree (they sit at province 91). */
export const OTHER_PROVINCE = demoOrgId('92');

export interface SubtreeStores {
  readonly evaluation: TestSchema;
  readonly commendation: TestSchema;
  readonly evaluationStore: PostgresEventStore;
  readonly commendationStore: PostgresEventStore;
  drop(): Promise<void>;
}

/**
 * Two stores of a subtree suite's own (evaluation's and commendation's), each readable by the
 * audit reader role, and the demo tree plus a second province in the evaluation schema's tree
 * copy, which the audit service judges subtrees by (ADR 0056).
 */
export async function createSubtreeStores(prefix: string): Promise<SubtreeStores> {
  const evaluation = await createTestSchema(`${prefix}_eval`);
  const commendation = await createTestSchema(`${prefix}_comm`);
  for (const db of [evaluation, commendation]) {
    await migrateStore(db.pool, { schema: db.schema });
    await createReadOnlyRole(db.pool, { schema: db.schema, role: AUDIT_READER_ROLE });
  }
  await migrateOrgTree(evaluation.pool);
  await bootstrapDemoTree(evaluation.pool);
  await new OrgTreeProjection().apply(evaluation.pool, {
    type: OrganizationRegistered.type,
    streamVersion: 0,
    data: { organizationId: OTHER_PROVINCE, parentId: null, parentCode: null, code: '92', name: '另一省', level: 'province' },
  });
  await grantOrgTreeRead(evaluation.pool, evaluation.schema);
  return {
    evaluation,
    commendation,
    evaluationStore: new PostgresEventStore(evaluation.pool, { schema: evaluation.schema, groupCommit: false }),
    commendationStore: new PostgresEventStore(commendation.pool, { schema: commendation.schema, groupCommit: false }),
    drop: async () => {
      await evaluation.drop();
      await commendation.drop();
    },
  };
}

/** Appends one event as the county's organiser, recorded under `orgId` (which decides the stream's subtree). */
export const appendUnder = (store: PostgresEventStore, stream: string, orgId: string, version: number, type: string, data: object) =>
  store.append(stream, [{ type, data }], {
    expectedVersion: version === 1 ? 'no_stream' : version - 1,
    context: { actor: { sub: 'county.organizer', roles: ['organizer'], orgId, kind: 'user' }, orgId, correlationId: 'subtree-test' },
  });

export const pledgeMade = (orgId: string) => ({ pledgeId: orgId, pledger: { memberId: 'm-1' }, orgId, dueOn: '2026-12-31' });

/**
 * An instant just past every event of both stores so far (recorded_at has microseconds, an
 * instant milliseconds), returned once the database clock is past it, so that anything
 * appended afterwards is recorded after it.
 */
export async function instantPastEveryEvent(stores: SubtreeStores): Promise<string> {
  const { evaluation, commendation } = stores;
  const { rows } = await evaluation.pool.query<{ ms: string }>(
    `select ceil(extract(epoch from greatest((select max(recorded_at) from "${evaluation.schema}".events),
                                             (select max(recorded_at) from "${commendation.schema}".events))) * 1000)::text as ms`,
  );
  const at = new Date(Number(rows[0]!.ms)).toISOString();
  await waitUntil('the database clock past the instant', async () => {
    const now = await evaluation.pool.query<{ past: boolean }>(`select clock_timestamp() > $1::timestamptz as past`, [at]);
    return now.rows[0]!.past || undefined;
  });
  return at;
}
