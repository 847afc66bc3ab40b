import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import { CommitRolledBackError, TypeOrmOutbox } from '@vanguard/messaging';
import type { CommandContext } from '../src/application/ports/context.port';
import { FormPairingHandler } from '../src/application/use-cases/pairings.use-cases';
import { TypeOrmUnitOfWork } from '../src/infrastructure/persistence/typeorm-unit-of-work';
import { assistanceDb, createAssistanceTestApp, dayFromToday, freshVillage } from './support/assistance-test-app';

// A statement that fails inside a command's transaction aborts it in Postgres, and COMMIT then
// answers ROLLBACK without raising. Here the outbox write is repeated and its unique violation
// (vanguard_outbox.event_id) caught, as a retry that takes "already there" for success would:
// the command must fail instead of being reported done with nothing stored.
describe(`${TypeOrmUnitOfWork.name} (a statement error caught inside the transaction)`, () => {
  let sut: INestApplication;
  let db: Pool;
  const ctx = (): CommandContext => ({
    actor: { sub: randomUUID(), username: 'uow-int', roles: ['admin'], orgId: '00000000-0000-4000-8000-000000000091', kind: 'user' },
    correlationId: randomUUID(),
  });
  const pairing = { helperUnitName: '旗水务局', from: dayFromToday(-5), to: dayFromToday(300), goals: ['安全饮水'], lagging: false };

  beforeAll(async () => {
    sut = await createAssistanceTestApp();
    db = assistanceDb();
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await sut?.close();
    await db?.end();
  });

  const outboxRows = async (correlationId: string) =>
    (await db.query(`select 1 from vanguard_outbox where envelope->>'correlationId' = $1`, [correlationId])).rowCount;

  it('fails the command, and neither its pairing nor its event is stored', async () => {
    const village = await freshVillage(db, '910425101');
    const add = TypeOrmOutbox.prototype.add;
    let swallowed: unknown;
    jest.spyOn(TypeOrmOutbox.prototype, 'add').mockImplementation(async function (this: TypeOrmOutbox, manager, ...events) {
      await add.call(this, manager, ...events);
      await add.call(this, manager, ...events).catch((e: unknown) => (swallowed = e));
    });
    const command = ctx();

    await expect(sut.get(FormPairingHandler).execute(command, village, pairing)).rejects.toThrow(CommitRolledBackError);
    expect((swallowed as { driverError?: { code?: string } }).driverError?.code).toBe('23505');
    expect((await db.query(`select 1 from pairings where org_id = $1`, [village])).rowCount).toBe(0);
    expect(await outboxRows(command.correlationId)).toBe(0);
  });

  it('still commits a command whose statements all succeeded', async () => {
    const village = await freshVillage(db, '910425101');
    const command = ctx();
    const { id } = await sut.get(FormPairingHandler).execute(command, village, pairing);
    expect((await db.query(`select 1 from pairings where id = $1`, [id])).rowCount).toBe(1);
    expect(await outboxRows(command.correlationId)).toBe(1);
  });
});
