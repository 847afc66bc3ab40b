import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { EventVerifier } from '@vanguard/auth';
import { PairingFormed, publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { infraConfig } from '@vanguard/infra-config';
import { waitUntil, type TestSchema } from '@vanguard/testing';
import type { CommandContext } from '../src/application/ports/context.port';
import { FieldWorkHandlers } from '../src/application/use-cases/field-work.use-cases';
import { FundHandlers } from '../src/application/use-cases/funds.use-cases';
import { FormPairingHandler } from '../src/application/use-cases/pairings.use-cases';
import { ProjectHandlers } from '../src/application/use-cases/projects.use-cases';
import { OutboxRelayRunner } from '../src/infrastructure/outbox/outbox-relay.runner';
import { assistanceInOwnSchema, dayFromToday, freshVillage, rosterMember } from './support/assistance-test-app';

const TOPIC = PairingFormed.topic;

// The service with its relay on, in a schema of its own (its outbox is nobody else's), writing
// through its use cases: what commits reaches vanguard.assistance.events.v1 in stream order,
// keyed by stream, in the contract's form, and without the personal data the service keeps.
describe(OutboxRelayRunner.name, () => {
  let schema: TestSchema;
  let sut: INestApplication;
  let tap: Consumer;
  const seen: EventEnvelope[] = [];
  const keys = new Map<string, string>();
  const kafka = new Kafka({ clientId: 'assistance-events-int', brokers: [...infraConfig().kafkaBrokers], logLevel: logLevel.NOTHING });
  const ctx: CommandContext = {
    actor: { sub: randomUUID(), username: 'int', roles: ['admin'], orgId: '00000000-0000-4000-8000-000000000091', kind: 'user' },
    correlationId: randomUUID(),
  };

  beforeAll(async () => {
    ({ schema, app: sut } = await assistanceInOwnSchema('assistance_events', { relay: true }));
    tap = kafka.consumer({ groupId: `assistance-tap-${randomUUID()}`, maxWaitTimeInMs: 100 });
    await tap.connect();
    // The relay made the topic while the app booted (ensureTopics before it starts).
    await tap.subscribe({ topic: TOPIC, fromBeginning: true });
    await tap.run({
      eachMessage: ({ message }) => {
        const envelope = JSON.parse(message.value!.toString('utf8')) as EventEnvelope;
        if (envelope.correlationId === ctx.correlationId) {
          seen.push(envelope);
          keys.set(envelope.eventId, message.key!.toString('utf8'));
        }
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await tap?.disconnect();
    await sut?.close();
    await schema?.drop();
  });

  it('publishes what commits, in stream order, keyed by stream, valid against its contract, without personal data', async () => {
    const village = await freshVillage(schema.pool, '910425101');
    const member = await rosterMember(schema.pool, village);
    const { id: pairingId } = await sut.get(FormPairingHandler).execute(ctx, village, {
      helperUnitName: '旗水务局',
      from: dayFromToday(-5),
      to: dayFromToday(300),
      goals: ['安全饮水'],
      lagging: false,
    });
    const projects = sut.get(ProjectHandlers);
    const funds = sut.get(FundHandlers);
    const { id } = await projects.plan(ctx, village, {
      pairingId,
      name: '安全饮水工程',
      category: 'drinking_water',
      budgetFen: 90_000,
      beneficiaryHouseholds: 40,
      plannedOn: dayFromToday(-4),
    });
    await projects.advance(ctx, id, 'approve', dayFromToday(-3));
    await funds.allocate(ctx, id, { source: 'fiscal', amountFen: 90_000, on: dayFromToday(-3) });
    const paid = await funds.disburse(ctx, id, { source: 'fiscal', amountFen: 30_000, on: dayFromToday(-2), purpose: '设备款' });
    await funds.reverse(ctx, id, paid.movementId, { on: dayFromToday(-1), reason: '金额录错' });
    // Refused: nothing of it may reach the topic.
    await expect(funds.disburse(ctx, id, { source: 'fiscal', amountFen: 90_001, on: dayFromToday(0), purpose: '超额' })).rejects.toThrow();
    const work = sut.get(FieldWorkHandlers);
    const { id: cadreId } = await work.dispatch(ctx, village, {
      memberId: member,
      role: 'first_secretary',
      sendingUnitName: '旗水务局',
      from: dayFromToday(-5),
      to: dayFromToday(300),
    });
    const { id: household } = await work.registerHousehold(ctx, village, { label: '四组7号', headName: '刘玉珍' });
    await work.issueCard(ctx, cadreId, household);
    await work.logVisit(ctx, cadreId, { visitedOn: dayFromToday(0), householdIds: [household], summary: '刘玉珍家缺水' });

    await waitUntil('every committed event on the topic', () => seen.length >= 8 || undefined, { timeoutMs: 45_000 });
    const project = seen.filter((e) => e.streamId === `project-${id}`).sort((a, b) => a.streamVersion - b.streamVersion);
    expect(project.map((e) => [e.streamVersion, e.type])).toEqual([
      [1, 'assistance.ProjectPlanned'],
      [2, 'assistance.ProjectApproved'],
      [3, 'assistance.FundsAllocated'],
      [4, 'assistance.FundsDisbursed'],
      [5, 'assistance.FundMovementReversed'],
    ]);
    expect(project.map((e) => (e.data as { balanceFen?: number }).balanceFen)).toEqual([undefined, undefined, 90_000, 60_000, 90_000]);
    expect(seen.map((e) => e.type)).toEqual(
      expect.arrayContaining(['assistance.PairingFormed', 'assistance.CadreDispatched', 'assistance.VisitLogged']),
    );
    for (const e of seen) {
      expect(keys.get(e.eventId)).toBe(e.streamId);
      expect(publicContracts.validate(e).ok).toBe(true);
      // Signed with assistance's key on the way out (ADR 0059), so consumers act on it.
      expect(EventVerifier.forContexts(['assistance'], {}).verify(e)).toEqual({ ok: true, kid: 'assistance-dev-1' });
      expect(e.orgId).toBe(village);
    }
    const text = JSON.stringify(seen);
    for (const secret of ['刘玉珍', '四组7号']) expect(text).not.toContain(secret);
    await waitUntil('the outbox stamped published', async () => {
      const { rows } = await schema.pool.query<{ n: number }>(`select count(*)::int as n from vanguard_outbox where published_at is null`);
      return rows[0]!.n === 0 || undefined;
    });
  });
});
