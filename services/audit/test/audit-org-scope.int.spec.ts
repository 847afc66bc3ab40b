import { ScopeService, orgTreeTableDdl } from '@vanguard/auth';
import { createTestSchema, type TestSchema } from '@vanguard/testing';
import { AuditOrgScope } from '../src/infrastructure/audit-org-scope';

// The subtree scope is loaded on the first query. A shutdown while that load is in flight must
// not leave the copy's follower (a LISTEN connection and a reload timer) starting afterwards.
describe('AuditOrgScope (real Postgres)', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('audit_org_scope');
    for (const sql of orgTreeTableDdl({ schema: db.schema })) await db.pool.query(sql);
  });
  afterAll(() => db?.drop());
  afterEach(() => jest.restoreAllMocks());

  it('WhenShutDownWhileTheFirstLoadIsInFlight_NothingStartsFollowingAfterwards', async () => {
    const follow = jest.spyOn(ScopeService.prototype, 'follow');
    const sut = new AuditOrgScope(db.pool, db.schema);
    const loading = sut.scope();
    await sut.onModuleDestroy();
    await loading;
    expect(follow).not.toHaveBeenCalled();
  });

  it('WhenLoadedBeforeShutdown_ItFollowsAndStopsFollowingAtShutdown', async () => {
    const follow = jest.spyOn(ScopeService.prototype, 'follow');
    const sut = new AuditOrgScope(db.pool, db.schema);
    await sut.scope();
    expect(follow).toHaveBeenCalledTimes(1);
    const following = follow.mock.results[0]!.value as { readonly listening: boolean };
    await sut.onModuleDestroy();
    expect(following.listening).toBe(false);
  });
});
