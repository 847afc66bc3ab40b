// `npm run audit -- <command> …`: the audit service's queries from a terminal, through its HTTP API
// (so every query is recorded in the auditors' trail under the caller's own token).
//
//   npm run audit -- timeline <streamId> [--from-version n] [--limit n]
//   npm run audit -- as-of <streamId> (--at <instant> | --version n)
//   npm run audit -- as-of-programme <programmeId> --at <instant>
//   npm run audit -- as-of-subtree <orgId> --at <instant> [--after <streamId>] [--limit n]
//   npm run audit -- diff <streamId> (--from <instant> | --from-version n) (--to <instant> | --to-version n)
//   npm run audit -- explain <streamId> <version>
//   npm run audit -- verify [--stream <streamId> | --from <instant> --to <instant>]   (everything when neither)
//   npm run audit -- diff-programme <programmeId> --from <instant> --to <instant>
//   npm run audit -- diff-subtree <orgId> --from <instant> --to <instant> [--after <streamId>] [--limit n]
//   npm run audit -- completeness evaluation|commendation [--stream <streamId>]   (the whole store: a bar, exit 3 if incomplete)
//   npm run audit -- export evaluation|commendation --stream <streamId> [--stream …] [--out bundle.tgz]
//                      [--earlier <size>]… [--since <checkpoint file>]…   (earlier checkpoints: export-earlier.ts)
//   npm run audit -- export-log evaluation|commendation [--out log.tgz] [--earlier <size>]… [--since <checkpoint file>]…
//                      (every event of the store's log in one bundle, ADR 0079)
//   npm run audit -- prove inclusion|consistency|trail evaluation|commendation …   (checked offline: prove-command.ts)
//   npm run audit -- checkpoints evaluation|commendation [--last n]   (the topic's history, checked here: checkpoints-command.ts)
//
// Token: VANGUARD_TOKEN, or --user <name> with VANGUARD_PASSWORD (a password grant on the realm).
// AUDIT_URL defaults to http://127.0.0.1:3006. Ctrl-C during verify ends it on the server at once.
// verify, completeness and export draw one progress bar (progress-bar.ts) with the time left on stderr.
import { createWriteStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { EVENTS_HEADER, STREAMS_HEADER } from '../application/evidence-export';
import { BundleProgress } from './bundle-progress';
import { progressLine } from './progress-bar';
import { earlierQuery, withSince } from './export-earlier';
import { prove } from './prove-command';

const args = process.argv.slice(2);
const [command, ...rest] = args;
const flag = (name: string): string | undefined => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const flags = (name: string): string[] => rest.flatMap((a, i) => (a === `--${name}` && rest[i + 1] ? [rest[i + 1]!] : []));
/** Flags that take no value. */
const SWITCHES = new Set(['--allow-development-key']);
const has = (name: string): boolean => rest.includes(`--${name}`);
const positional = rest.filter((a, i) => !a.startsWith('--') && !(i > 0 && rest[i - 1]!.startsWith('--') && !SWITCHES.has(rest[i - 1]!)));
const base = (process.env['AUDIT_URL'] ?? 'http://127.0.0.1:3006').replace(/\/$/, '');

function usage(message?: string): never {
  if (message) process.stderr.write(`✗ ${message}\n`);
  process.stderr.write(
    'usage: npm run audit -- timeline|as-of|as-of-programme|as-of-subtree|diff|diff-programme|diff-subtree|explain|verify|completeness|export|export-log|prove|checkpoints … (see services/audit/README.md)\n',
  );
  process.exit(2);
}

async function token(): Promise<string> {
  if (process.env['VANGUARD_TOKEN']) return process.env['VANGUARD_TOKEN'];
  const user = flag('user');
  const password = process.env['VANGUARD_PASSWORD'];
  if (!user || !password) usage('set VANGUARD_TOKEN, or pass --user <name> with VANGUARD_PASSWORD set');
  const kc = (process.env['KEYCLOAK_URL'] ?? 'http://127.0.0.1:8180').replace(/\/$/, '');
  const realm = process.env['KEYCLOAK_REALM'] ?? 'vanguard';
  const res = await fetch(`${kc}/realms/${realm}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vanguard-console', username: user, password }),
  });
  if (!res.ok) usage(`Keycloak refused ${user}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

function query(pairs: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(pairs)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

function pathFor(): string {
  const id = positional[0];
  const enc = (s: string) => encodeURIComponent(s);
  switch (command) {
    case 'timeline':
      if (!id) usage('timeline needs a stream id');
      return `/streams/${enc(id)}/timeline${query({ fromVersion: flag('from-version'), limit: flag('limit') })}`;
    case 'as-of':
      if (!id) usage('as-of needs a stream id');
      return `/streams/${enc(id)}/as-of${query({ at: flag('at'), version: flag('version') })}`;
    case 'as-of-programme':
      if (!id) usage('as-of-programme needs a programme id');
      return `/programmes/${enc(id)}/as-of${query({ at: flag('at') })}`;
    case 'as-of-subtree':
      if (!id) usage('as-of-subtree needs an organisation id');
      return `/organizations/${enc(id)}/as-of${query({ at: flag('at'), after: flag('after'), limit: flag('limit') })}`;
    case 'diff':
      if (!id) usage('diff needs a stream id');
      return `/streams/${enc(id)}/diff${query({ fromAt: flag('from'), fromVersion: flag('from-version'), toAt: flag('to'), toVersion: flag('to-version') })}`;
    case 'explain':
      if (!id || !positional[1]) usage('explain needs a stream id and a version');
      return `/streams/${enc(id)}/decisions/${enc(positional[1])}/explain`;
    case 'verify':
      return `/verify${query({ stream: flag('stream'), from: flag('from'), to: flag('to') })}`;
    case 'diff-programme':
      if (!id) usage('diff-programme needs a programme id');
      return `/programmes/${enc(id)}/diff${query({ fromAt: flag('from'), toAt: flag('to') })}`;
    case 'diff-subtree':
      if (!id) usage('diff-subtree needs an organisation id');
      return `/organizations/${enc(id)}/diff${query({ fromAt: flag('from'), toAt: flag('to'), after: flag('after'), limit: flag('limit') })}`;
    case 'completeness':
      if (!id) usage('completeness needs a store: evaluation or commendation');
      return `/transparency/${enc(id)}/completeness${query({ stream: flag('stream') })}`;
    case 'export':
      if (!id) usage('export needs a store: evaluation or commendation');
      return `/transparency/${enc(id)}/export?${flags('stream')
        .map((s) => `stream=${enc(s)}`)
        .concat(earlierQuery(flags('earlier'), flags('since')))
        .join('&')}`;
    case 'export-log':
      if (!id) usage('export-log needs a store: evaluation or commendation');
      return `/transparency/${enc(id)}/export-log?${earlierQuery(flags('earlier'), flags('since')).join('&')}`;
    default:
      usage(command ? `unknown command ${command}` : undefined);
  }
}

async function main(): Promise<void> {
  if (command === 'prove' || command === 'checkpoints') {
    const headers = { Authorization: `Bearer ${await token()}` };
    const get = async (path: string): Promise<unknown> => {
      const res = await fetch(`${base}${path}`, { headers });
      if (!res.ok) {
        process.stderr.write(`✗ ${res.status} ${await res.text()}\n`);
        process.exit(1);
      }
      return res.json();
    };
    const args = { positional, flag, flags, has, get, usage };
    if (command === 'prove') return prove(args);
    // Loaded only for this command: verifying the topic's signatures brings the contracts and the
    // verifier, 0.3 s of every other command's start (the test suites spawn many; 1.9 s while it
    // came through @vanguard/auth's index, which brings Nest).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { checkpoints } = require('./checkpoints-command') as typeof import('./checkpoints-command');
    return checkpoints(args);
  }
  const path = pathFor();
  // The whole store's completeness is long work: ask for its progress lines, as verify sends them.
  const wholeStore = command === 'completeness' && flag('stream') === undefined;
  const headers = { Authorization: `Bearer ${await token()}`, ...(wholeStore ? { Accept: 'application/x-ndjson' } : {}) };
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const res = await fetch(`${base}${path}`, { headers, signal: abort.signal });
  if (!res.ok) {
    process.stderr.write(`✗ ${res.status} ${await res.text()}\n`);
    process.exit(1);
  }
  if (command === 'export' || command === 'export-log') return saveBundle(res, command === 'export-log');
  if (command === 'verify') return followProgress(res, 'streams', (r) => r.ok === true);
  if (wholeStore) return followProgress(res, 'events', (r) => r.complete === true);
  process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
}

/** Redraws a line on stderr in place on a terminal; elsewhere (a log file) at most once a second and at the end. */
function statusLine(): { show(text: string, last?: boolean): void; end(): void } {
  const tty = process.stderr.isTTY;
  let shown = 0;
  return {
    show(text, last = false) {
      if (tty) process.stderr.write(`\r${text}`);
      else if (last || Date.now() - shown >= 1000) {
        shown = Date.now();
        process.stderr.write(`${text}\n`);
      }
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}

/** A count the server sent as a header, or undefined (an older server, a proxy that dropped it). */
function headerCount(res: Response, name: string): number | undefined {
  const raw = res.headers.get(name);
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Writes the bundle to --out (or the server's file name) and prints how to verify it. On stderr, a
 * bar of events received against the server's `x-vanguard-events` count with the time left (the
 * archive is read as it arrives, for its entry names only), then MB and MB/s. Without the count:
 * events and MB so far, no time left.
 */
async function saveBundle(res: Response, wholeLog: boolean): Promise<void> {
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'evidence.tgz';
  const file = flag('out') ?? name;
  const out = createWriteStream(file);
  const events = headerCount(res, EVENTS_HEADER);
  // A whole-log bundle has no per-stream entries to count: its bar is events alone.
  const streams = wholeLog ? undefined : headerCount(res, STREAMS_HEADER);
  const progress = new BundleProgress();
  const gunzip = createGunzip();
  gunzip.on('data', (b: Buffer) => progress.push(b));
  // A corrupt stream only stops the count: the file is still written whole, and the verifier names the damage.
  let corrupt = false;
  const unpacked = new Promise<void>((resolve) =>
    gunzip.once('end', resolve).once('error', () => {
      corrupt = true;
      resolve();
    }),
  );
  const status = statusLine();
  const started = Date.now();
  let bytes = 0;
  const show = (last = false) => {
    const ms = Date.now() - started;
    const rate = `${(bytes / 1e6).toFixed(1)} MB, ${(bytes / 1e6 / Math.max(0.001, ms / 1000)).toFixed(1)} MB/s`;
    const of = streams === undefined ? '' : ` · ${progress.streams}/${streams} streams`;
    status.show(`${progressLine(progress.events, events, ms, 24, 'events')}${of} · ${rate}`, last);
  };
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    if (!corrupt && !gunzip.write(chunk)) await Promise.race([new Promise<void>((r) => gunzip.once('drain', () => r())), unpacked]);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    show();
  }
  if (!corrupt) gunzip.end();
  await unpacked; // a bundle cut short or damaged is the verifier's to report, not the bar's
  show(true);
  status.end();
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  const command = res.headers.get('x-vanguard-verify') ?? '';
  process.stdout.write(`${file}\nverify offline: ${withSince(command.replace(name, file), flags('since'))}\n`);
}

/**
 * Draws the progress bar from NDJSON progress lines (verify, completeness) on stderr; prints the
 * result on stdout and exits 0 when `passed` says so, else 3.
 */
async function followProgress(res: Response, unit: string, passed: (result: Record<string, unknown>) => boolean): Promise<void> {
  // A server from before the progress lines answers with the result alone, as plain JSON.
  if (!(res.headers.get('content-type') ?? '').includes('ndjson')) {
    const result = (await res.json()) as Record<string, unknown>;
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exit(passed(result) ? 0 : 3);
  }
  const started = Date.now();
  const status = statusLine();
  let buffered = '';
  let result: Record<string, unknown> | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as {
        progress?: { done: number; total: number };
        result?: Record<string, unknown>;
        error?: unknown;
      };
      buffered = buffered.slice(nl + 1);
      if (line.progress) {
        const { done, total } = line.progress;
        status.show(progressLine(done, total, Date.now() - started, 24, unit), done >= total);
      } else if (line.result) result = line.result;
      else if (line.error) {
        process.stderr.write(`\n✗ ${JSON.stringify(line.error)}\n`);
        process.exit(1);
      }
    }
  }
  status.end();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(result && passed(result) ? 0 : 3);
}

main().catch((e: unknown) => {
  process.stderr.write(`✗ ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
