import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { globalOptions, main } from './cli';
import { EXIT, UsageError } from './county-drafts';
import { CountyTokenSource } from './county-token';

// Nothing here reaches a broker or Keycloak: each case is refused before anything is sent, and
// the environment points both at a closed port should one not be.
describe('npm run county (arguments and files)', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'county-cli-'));
    Object.assign(process.env, {
      COUNTY_STATE_DIR: dir,
      KAFKA_BROKERS: '127.0.0.1:1',
      COUNTY_KAFKA_BROKERS: '127.0.0.1:1',
      KEYCLOAK_URL: 'http://127.0.0.1:1',
    });
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function county(...argv: string[]): Promise<{ code: number; out: string }> {
    const lines: string[] = [];
    const code = await main(argv, (l) => lines.push(l));
    return { code, out: lines.join('\n') };
  }

  const deed = ['--org', '00000000-0000-4000-8000-910425101201', '--helper-unit', '县交通局', '--title', '硬化村道'];

  it.each([
    [['deeds', ...deed, '--amount', '5'], 'deeds 不接受 --amount'],
    [['deeds', ...deed, 'extra'], 'deeds 多余的参数: extra'],
    [['replies', '--idle', 'abc'], '--idle 须为不小于 0.001 的秒数（收到 abc）'],
    [['replies', '--idle', '0'], '--idle 须为'],
    [['follow', '--history', 'yes'], '--history 不带值'],
    [['deeds', ...deed, '--note'], 'deeds 不接受 --note'],
    [['roster', '--org', 'o', '--count'], '--count 须带值'],
    [['deeds', '--client'], '--client 须带值'],
    [['witness', '--context', 'commendaton'], '--context 须为 evaluation 或 commendation'],
  ])('main_%j_IsAUsageErrorNamingIt', async (argv, message) => {
    const run = await county(...argv);

    expect(run.code).toBe(EXIT.USAGE);
    expect(run.out).toContain(message);
  });

  it.each([
    ['null.json', '[null]', '第 1 项须为成员对象（收到 null）'],
    ['bad.json', '{bad', '不是有效的 JSON'],
    ['typo.json', '{"memberId": "m"}', '须为成员数组'],
  ])('main_roster --file %s_IsAUsageErrorNamingTheFile', async (name, text, message) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);

    const run = await county('roster', '--file', file);

    expect(run).toEqual({ code: EXIT.USAGE, out: expect.stringContaining(file) });
    expect(run.out).toContain(message);
  });

  it('main_roster --file of a missing file_IsAUsageErrorNamingTheFile', async () => {
    const file = path.join(dir, 'none.csv');

    expect(await county('roster', '--file', file)).toEqual({ code: EXIT.USAGE, out: expect.stringContaining(`无法读取花名册 ${file}`) });
  });
});

describe(globalOptions.name, () => {
  it('globalOptions_AfterTheCommand_AreHonouredAndTakenOutOfTheCommandsArguments', () => {
    const sut = globalOptions(['deeds', '--client', 'county-hekou', '--org', 'o', '--state-dir=/tmp/x', '--kafka-ssl']);

    expect(sut).toMatchObject({ clientId: 'county-hekou', stateDir: '/tmp/x', kafka: { ssl: true }, rest: ['deeds', '--org', 'o'] });
  });

  it('globalOptions_AValuedOneWithoutItsValue_IsAUsageError', () => {
    expect(() => globalOptions(['--client', '--state-dir', 'x'])).toThrow(UsageError);
  });
});

describe(CountyTokenSource.name, () => {
  async function reach(tokenUrl: string): Promise<string> {
    const sut = new CountyTokenSource({ clientId: 'county-songling', clientSecret: 'the-secret', tokenUrl });
    return sut.token().then(
      () => 'a token',
      (e: unknown) => (e as Error).message,
    );
  }

  /** A port nothing listens on (fetch refuses some low ones outright, which is not what is tested). */
  async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  it('token_KeycloakUnreachable_NamesTheUrlAndWhy', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/realms/vanguard/protocol/openid-connect/token`;

    expect(await reach(url)).toContain(`cannot reach ${url} for county-songling (ECONNREFUSED)`);
  });

  it('token_AUrlWithCredentials_NamesItWithoutThemNorTheSecret', async () => {
    const message = await reach('http://admin:pw@127.0.0.1:1/realms/vanguard/protocol/openid-connect/token');

    expect(message).toContain('cannot reach http://127.0.0.1:1/realms/vanguard/protocol/openid-connect/token');
    expect(message).not.toMatch(/the-secret|admin|pw@/);
  });
});
