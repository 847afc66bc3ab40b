import { randomUUID } from 'node:crypto';
import { OrgTreeProjection, ScopeService } from '@vanguard/auth';
import { OrganizationMerged, OrganizationMoved, OrganizationRegistered } from '@vanguard/contracts';
import { idsOf, pathFromInputs, pledgeDecider, replayDecision, type PledgeEvent } from '@vanguard/evaluation-domain';
import type { PostgresEventStore } from '@vanguard/event-store';
import { fold } from '@vanguard/kernel';
import type { TestSchema } from '@vanguard/testing';
import { streamContext, type CommandContext } from '../src/application/commands/command-context';
import { FilePledgeHandler } from '../src/application/commands/file-pledge/file-pledge.handler';
import { PostgresStreamsAdapter } from '../src/infrastructure/event-store/postgres-streams.adapter';
import { SqlOrgTreeAdapter } from '../src/infrastructure/org-tree/sql-org-tree.adapter';
import { evaluationStoreSchema } from './support/store-schema';

// A tree of the suite's own: province › county › two townships, a village under each.
const [PROVINCE, COUNTY, EAST, WEST, VILLAGE, HAMLET] = [
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
  randomUUID(),
];
const CODES: Record<string, string> = { [PROVINCE]: '93', [COUNTY]: '9301', [EAST]: '9301101', [WEST]: '9301102' };

const secretaryOf = (orgId: string): CommandContext => ({
  caller: { sub: `secretary@${orgId}`, roles: ['branch_secretary'], orgId, kind: 'user' },
  correlationId: 'decision-org-path',
});

/**
 * Issue 10: a decision checked "the decider's organisation is above the subject's" against the
 * tree copy. Against the real Postgres tree copy (fed through its projection, as organisation
 * events feed it) and the real store: the filing records the path it read with the copy's
 * version of each organisation, and after the village moves to another township — or is merged
 * away — the replay still reproduces the filing from the event alone, while today's tree would
 * refuse it.
 */
describe('decisions record the organisation path they checked, and replay after a move or a merge (int)', () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  let tree: SqlOrgTreeAdapter;
  const scope = new ScopeService();
  const projection = new OrgTreeProjection();
  const streams = () => new PostgresStreamsAdapter(store);

  const register = (id: string, parentId: string | null, code: string, level: string) =>
    projection.apply(db.pool, {
      type: OrganizationRegistered.type,
      streamVersion: 1,
      data: { organizationId: id, parentId, parentCode: parentId ? CODES[parentId] : null, code, name: `测试${code}`, level },
    });

  /** A village pledge made and then filed by the township secretary through the real handler. */
  async function filedPledge(villageId: string, townshipId: string): Promise<{ pledgeId: string; events: PledgeEvent[] }> {
    const pledgeId = randomUUID();
    const made = pledgeDecider.decide(
      {
        type: 'MakePledge',
        data: {
          pledgeId,
          campaignId: randomUUID(),
          cycleId: randomUUID(),
          pledger: { kind: 'organization', id: villageId },
          orgId: villageId,
          category: 'stage_task',
          content: '完成换届',
          dueOn: '2011-06-20',
          today: '2011-04-10',
          cycle: { streamId: `campaign-${randomUUID()}`, version: 3, open: true, startsOn: '2011-04-01', endsOn: '2011-06-30' },
          follows: null,
        },
      },
      pledgeDecider.initialState(),
    );
    await streams().append(`pledge-${pledgeId}`, made, 0, streamContext(secretaryOf(villageId), villageId));
    await new FilePledgeHandler(streams(), tree).execute(pledgeId, { reason: '内容具体' }, secretaryOf(townshipId));
    const events = (await store.readStream(`pledge-${pledgeId}`)).map((e) => ({ type: e.type, data: e.data }) as PledgeEvent);
    return { pledgeId, events };
  }

  beforeAll(async () => {
    ({ db, store } = await evaluationStoreSchema('eval_decision_path'));
    await register(PROVINCE, null, CODES[PROVINCE]!, 'province');
    await register(COUNTY, PROVINCE, CODES[COUNTY]!, 'county');
    await register(EAST, COUNTY, CODES[EAST]!, 'township');
    await register(WEST, COUNTY, CODES[WEST]!, 'township');
    await register(VILLAGE, EAST, `${CODES[EAST]}201`, 'village');
    await register(HAMLET, WEST, `${CODES[WEST]}201`, 'village');
    await scope.load(db.pool);
    tree = new SqlOrgTreeAdapter(db.pool, scope);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('given a filing recorded before the village moved, when replayed after the move, then it reproduces the filing that today’s tree refuses', async () => {
    const { events } = await filedPledge(VILLAGE, EAST);
    const filing = events[1]!;
    if (filing.type !== 'evaluation.PledgeFiled') throw new Error(filing.type);
    expect(pathFromInputs(filing.data.decision.inputs)).toEqual([
      { orgId: PROVINCE, version: 1 },
      { orgId: COUNTY, version: 1 },
      { orgId: EAST, version: 1 },
      { orgId: VILLAGE, version: 1 },
    ]);

    await projection.apply(db.pool, {
      type: OrganizationMoved.type,
      streamVersion: 2,
      data: { organizationId: VILLAGE, parentId: WEST, previousParentId: EAST, parentCode: CODES[WEST], code: `${CODES[WEST]}202` },
    });
    await scope.load(db.pool);

    const today = await tree.readPath(VILLAGE);
    expect(today).toEqual([
      { orgId: PROVINCE, version: 1 },
      { orgId: COUNTY, version: 1 },
      { orgId: WEST, version: 1 },
      { orgId: VILLAGE, version: 2 },
    ]);
    expect(replayDecision(events, 1)).toMatchObject({ matches: true, refusal: null });
    expect(() =>
      pledgeDecider.decide(
        { type: 'FilePledge', data: { decidedBy: filing.data.decision.decidedBy, pledgerOrgPath: today!, reason: '内容具体' } },
        fold(pledgeDecider, events.slice(0, 1)),
      ),
    ).toThrow(expect.objectContaining({ code: 'PLEDGE.NOT_LEVEL_ABOVE' }));
  });

  it('given a filing recorded before the village was merged away, when replayed, then it reproduces the filing though the tree no longer has the village', async () => {
    const { events } = await filedPledge(HAMLET, WEST);

    await projection.apply(db.pool, {
      type: OrganizationMerged.type,
      streamVersion: 2,
      data: { organizationId: HAMLET, survivingOrganizationId: VILLAGE },
    });
    await scope.load(db.pool);

    expect(await tree.readPath(HAMLET)).toBeNull();
    const sut = replayDecision(events, 1);
    expect(sut).toMatchObject({ matches: true, refusal: null });
    expect(
      idsOf(pathFromInputs((sut.recorded[0]!.data as { decision: { inputs: { streamId: string; version: number }[] } }).decision.inputs)),
    ).toEqual([PROVINCE, COUNTY, WEST, HAMLET]);
  });
});
