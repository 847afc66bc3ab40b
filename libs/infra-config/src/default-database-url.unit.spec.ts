import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'pg-connection-string';
import { defaultDatabaseUrl, tcpDatabaseUrl } from './index';

describe(defaultDatabaseUrl.name, () => {
  let stateDir: string;
  beforeEach(() => (stateDir = mkdtempSync(join(tmpdir(), 'vg-state-'))));
  afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

  it('defaultDatabaseUrl_WithoutTheSocketNote_IsTheLoopbackAddress', () => {
    expect(defaultDatabaseUrl(stateDir)).toBe('postgres://postgres@127.0.0.1:5432/vanguard');
  });

  it('defaultDatabaseUrl_WithTheSocketNote_ConnectsThroughTheSocketAsPgReadsIt', () => {
    writeFileSync(join(stateDir, 'postgres-socket'), '/var/run/postgresql\n');
    // What node-postgres will do with it, read by its own parser, not ours.
    expect(parse(defaultDatabaseUrl(stateDir))).toMatchObject({ host: '/var/run/postgresql', port: '5432', database: 'vanguard' });
  });

  it.each(['relative/dir', '/tmp/a b', '/tmp/x?host=evil', ''])('defaultDatabaseUrl_WhenTheNoteHolds%p_KeepsTheLoopbackAddress', (text) => {
    writeFileSync(join(stateDir, 'postgres-socket'), text);
    expect(defaultDatabaseUrl(stateDir)).toBe('postgres://postgres@127.0.0.1:5432/vanguard');
  });
});

describe(tcpDatabaseUrl.name, () => {
  it('tcpDatabaseUrl_DropsTheSocketAndKeepsTheRest_SoAProxyOnThePortIsNotBypassed', () => {
    const through = tcpDatabaseUrl('postgres://u:p@127.0.0.1:5432/db?host=%2Fvar%2Frun%2Fpostgresql&options=-c%20search_path%3Ds', 40123);
    expect(parse(through)).toMatchObject({
      host: '127.0.0.1',
      port: '40123',
      user: 'u',
      password: 'p',
      database: 'db',
      options: '-c search_path=s',
    });
  });
});
