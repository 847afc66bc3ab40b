import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { configureHttpApp } from '@vanguard/http';
import { infraConfig } from '@vanguard/infra-config';
import { waitUntil } from '@vanguard/testing';
import { organizationConfig } from '../src/organization.config';
import { OrganizationModule } from '../src/organization.module';

const root = path.resolve(__dirname, '../../..');
const infra = (cmd: 'up' | 'down') =>
  execFileSync(process.execPath, [path.join(root, 'scripts/infra.mjs'), cmd, 'kafka'], { stdio: 'inherit' });

// Stops the real broker under a running service: readiness must name Kafka and recover
// by itself once the broker is back, without restarting the service.
describe('organization service when the broker goes away', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [OrganizationModule.register(organizationConfig(infraConfig(), 'test'))],
    }).compile();
    app = moduleRef.createNestApplication({ bufferLogs: true });
    configureHttpApp(app, { title: 'test', description: 'test' });
    await app.init();
  });
  afterAll(async () => {
    infra('up'); // whatever happened above, leave the broker running for the suites after this one
    await app.close();
  });

  it('answers 503 naming Kafka while it is down, and 200 again once it is back', async () => {
    await request(app.getHttpServer()).get('/health/ready').expect(200);

    infra('down');
    const down = await waitUntil('readiness to notice the broker is gone', async () => {
      const res = await request(app.getHttpServer()).get('/health/ready');
      return res.status === 503 ? res : undefined;
    });
    expect(down.body.error).toEqual({ kafka: expect.objectContaining({ status: 'down' }) });
    expect(down.body.info).toEqual({ postgres: { status: 'up' }, keycloak: { status: 'up' } });
    await request(app.getHttpServer()).get('/health/live').expect(200);

    infra('up');
    const up = await waitUntil(
      'readiness to see the broker again',
      async () => {
        const res = await request(app.getHttpServer()).get('/health/ready');
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(up.body.details.kafka).toEqual({ status: 'up' });
  }, 180_000);
});
