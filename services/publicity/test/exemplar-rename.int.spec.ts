import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { QuarterPioneerSelected, type ContractEvent } from '@vanguard/contracts';
import type { Principal } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import type { TestSchema } from '@vanguard/testing';
import { pioneerSelected } from '../src/application/exemplar-proposals';
import { ExemplarsService } from '../src/application/exemplars.service';
import { UnitOfWork } from '../src/infrastructure/persistence/unit-of-work';
import { COUNTY, VILLAGE, createPublicitySchema, envelope, publicityAppOn } from './support/publicity-test-app';

// A branch chosen as pioneer is shown under its name from the org-tree copy, joined at read time.
// Only publishing writes the shown names into the row; an edit or a decline must not freeze them,
// or the proposal would go on showing a name the organisation no longer bears.
describe('an exemplar proposal follows its organisation’s rename until it is published', () => {
  let schema: TestSchema;
  let app: INestApplication;
  const editor: Principal = { sub: 'e', username: 'county.editor', roles: ['editor'], orgId: COUNTY, kind: 'user', clientId: undefined };

  beforeAll(async () => {
    schema = await createPublicitySchema('publicity_rename');
    app = await publicityAppOn(schema, { decisions: false });
  });

  afterAll(async () => {
    await app?.close();
    await schema?.drop();
  });

  /** The branch selected as a township's quarter pioneer, proposed as the consumer would; its exemplar id. */
  const proposeBranch = async (): Promise<string> => {
    const township = demoOrgId('910425101');
    const stream = `pioneer-${township}-${randomUUID()}`;
    const event = envelope(QuarterPioneerSelected.type, stream, {
      orgId: township,
      cycleId: stream.slice(`pioneer-${township}-`.length),
      candidate: { kind: 'organization' as const, id: VILLAGE },
      votesFor: 27,
      votesCast: 35,
      decision: {
        decidedBy: { sub: 't', role: 'organizer', orgId: township },
        inputs: [],
        rule: { id: 'pioneer.selected-by-majority', version: 1 },
        reason: '',
      },
    }) as unknown as ContractEvent<typeof QuarterPioneerSelected>;
    await app.get(UnitOfWork).run((tx) => pioneerSelected(tx, event, { topic: QuarterPioneerSelected.topic }));
    const { rows } = await schema.pool.query<{ id: string }>(`select id from exemplars where source_stream = $1`, [stream]);
    return rows[0]!.id;
  };

  it('edited and declined, it shows the new name; a name the editor typed stays, the organisation’s follows', async () => {
    const exemplars = app.get(ExemplarsService);
    const declined = await proposeBranch();
    await exemplars.edit(editor, declined, { story: '带头修通进村路' });
    await exemplars.decline(editor, declined, '事迹不够突出');
    const named = await proposeBranch();
    await exemplars.edit(editor, named, { name: '红石村党支部委员会' });
    await schema.pool.query(`update org_tree set name = '红石新村' where id = $1`, [VILLAGE]);
    expect(await exemplars.get(editor, declined)).toMatchObject({
      status: 'declined',
      name: '红石新村',
      orgName: '红石新村',
      story: '带头修通进村路',
    });
    expect(await exemplars.get(editor, named)).toMatchObject({ status: 'proposed', name: '红石村党支部委员会', orgName: '红石新村' });
  });
});
