import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ProblemFilter } from '@vanguard/http';
import { ProofLogs } from '../../application/proof-logs';
import { WitnessCosignatures } from '../../application/witness-cosignatures';
import { WitnessHttpController } from './witness.http.controller';

// The witness routes are public (ADR 0041), so each address gets AUDIT_WITNESS_RPM requests a
// minute across them, and then 429 with Retry-After, before any proof or signature is computed.
describe(WitnessHttpController.name, () => {
  let app: INestApplication;
  let computed = 0;

  beforeAll(async () => {
    process.env['AUDIT_WITNESS_RPM'] = '5';
    const moduleRef = await Test.createTestingModule({
      controllers: [WitnessHttpController],
      providers: [
        { provide: ProofLogs, useValue: { contextOf: (c: string) => c, consistency: () => ((computed += 1), { proof: [] }) } },
        { provide: WitnessCosignatures, useValue: { latest: () => ((computed += 1), { note: 'n', size: 1, root: 'r' }) } },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalFilters(new ProblemFilter()); // the services' error shape, Retry-After included
    await app.init();
  });
  afterAll(async () => {
    delete process.env['AUDIT_WITNESS_RPM'];
    await app.close();
  });

  it('answers an address its limit a minute across the routes, then 429 with Retry-After, computing nothing more', async () => {
    const http = () => request(app.getHttpServer());
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await http().get('/witness/evaluation/checkpoint')).status);
    for (let i = 0; i < 2; i++) statuses.push((await http().get('/witness/evaluation/consistency?from=1&to=2')).status);
    const refused = await http().get('/witness/evaluation/consistency?from=1&to=2');

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(computed).toBe(5);
  });
});
