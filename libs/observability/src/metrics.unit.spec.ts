import 'reflect-metadata';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { waitUntil } from '@vanguard/testing';
import { CLIENT_CLOSED_STATUS, MetricsModule, metricsRegistry } from './metrics';

/** Requests a handler holds until the test lets it answer. */
const held = { entered: 0, returned: 0, release: [] as (() => void)[] };

@Controller('metrics-spec')
class HeldController {
  @Get('held')
  async hold(): Promise<{ ok: true }> {
    held.entered++;
    await new Promise<void>((resolve) => held.release.push(resolve));
    held.returned++;
    return { ok: true };
  }

  @Get('quick')
  quick(): { ok: true } {
    return { ok: true };
  }
}

/** How many requests the duration histogram counted under a route and status. */
async function counted(route: string, status: string): Promise<number> {
  const metric = metricsRegistry.getSingleMetric('http_request_duration_seconds')!;
  // A histogram's values carry the series name (`_bucket`, `_sum`, `_count`), which its type omits.
  const values = (await metric.get()).values as { metricName?: string; labels: Record<string, unknown>; value: number }[];
  return values
    .filter((v) => v.metricName === 'http_request_duration_seconds_count' && v.labels['route'] === route && v.labels['status'] === status)
    .reduce((sum, v) => sum + v.value, 0);
}

describe(MetricsModule.name, () => {
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    @Module({ imports: [MetricsModule], controllers: [HeldController] })
    class App {}
    const moduleRef = await Test.createTestingModule({ imports: [App] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it('WhenARequestIsAnswered_CountsItOnceUnderItsStatus', async () => {
    const before = await counted('/metrics-spec/quick', '200');

    expect((await fetch(`http://127.0.0.1:${port}/metrics-spec/quick`)).status).toBe(200);

    await waitUntil('the request to be counted', async () => (await counted('/metrics-spec/quick', '200')) > before);
    expect(await counted('/metrics-spec/quick', '200')).toBe(before + 1);
  });

  it('WhenTheClientLeavesBeforeTheAnswer_CountsItOnceAs499_AndNotAgainWhenTheHandlerReturns', async () => {
    const client = request({ host: '127.0.0.1', port, path: '/metrics-spec/held' });
    client.on('error', () => undefined);
    client.end();
    await waitUntil('the handler to hold the request', () => held.entered === 1);

    client.destroy();
    await waitUntil('the abandoned request to be counted', async () => (await counted('/metrics-spec/held', CLIENT_CLOSED_STATUS)) === 1);
    held.release.splice(0).forEach((release) => release());
    await waitUntil('the handler to return', () => held.returned === 1);
    // A request after it, answered in full: whatever the late answer would record is recorded by now.
    await fetch(`http://127.0.0.1:${port}/metrics-spec/quick`);

    expect(await counted('/metrics-spec/held', CLIENT_CLOSED_STATUS)).toBe(1);
    expect(await counted('/metrics-spec/held', '200')).toBe(0);
  });
});
