// `npm run audit -- prove …`: fetches a proof over HTTP and checks it HERE, offline, against a
// checkpoint signed by the operator's pinned key (proof-check.ts, independent of the code that
// built the proof). Exit 0 proven, 3 the proof fails, 1 the service refused, 2 bad usage.
//
//   prove inclusion evaluation|commendation --stream <id> [--version n] [--checkpoint <file>] [--save-checkpoint <file>]
//   prove consistency evaluation|commendation --old <file> [--new <file>]
//   prove trail evaluation|commendation --auditor <sub> | --old <file>   (audit_supervisor: prove-trail.ts)
//   key: --key <vkey> (repeatable) or VANGUARD_LOG_VKEY; --allow-development-key on demo data
import { readFileSync, writeFileSync } from 'node:fs';
import { developmentLogSigner } from '@vanguard/transparency-log';
import { checkConsistency, checkEvents, openCheckpoint, pinKey, ProofFailure, type Checkpoint, type PinnedKey } from './proof-check';
import { proveByPages, type ProofPage } from './proof-check-pages';
import { proveTrail } from './prove-trail';

export interface ProveArgs {
  readonly positional: readonly string[];
  readonly flag: (name: string) => string | undefined;
  readonly flags: (name: string) => string[];
  readonly has: (name: string) => boolean;
  /** GET on the audit service with the caller's token; the parsed JSON, or exit 1 on a refusal. */
  readonly get: (path: string) => Promise<unknown>;
  readonly usage: (message: string) => never;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

/** The pinned key for this log: named `vanguard.example/<context>` by default; the development key only when allowed. */
export function keyFor(context: string, origin: string | undefined, a: ProveArgs): PinnedKey {
  const given = [...a.flags('key'), ...(process.env['VANGUARD_LOG_VKEY'] ?? '').split(/[\s,]+/).filter(Boolean)];
  const development = developmentLogSigner(origin ?? `vanguard.example/${context}`).verifier;
  const keys = given.map((k) => pinKey(k));
  if (keys.length === 0 && a.has('allow-development-key')) keys.push(pinKey(development.vkey));
  if (keys.length === 0) a.usage("pin the log operator's key: --key <vkey> or VANGUARD_LOG_VKEY (demo data: --allow-development-key)");
  const key = keys.find((k) => origin === undefined || k.name === origin) ?? keys[0]!;
  if (key.publicKey.equals(development.publicKey) && !a.has('allow-development-key'))
    throw new ProofFailure(
      '这是公开的开发密钥，任何人都能签',
      'that is the public development key, anyone can sign with it (--allow-development-key on demo data)',
    );
  return key;
}

const originOf = (note: string): string | undefined => note.split('\n', 1)[0] || undefined;

async function published(context: string, a: ProveArgs): Promise<string> {
  const file = a.flag('checkpoint');
  if (file) return readFileSync(file, 'utf8');
  return ((await a.get(`/witness/${encodeURIComponent(context)}/checkpoint`)) as { checkpoint: string }).checkpoint;
}

async function proveInclusion(context: string, a: ProveArgs): Promise<void> {
  const stream = a.flag('stream') ?? a.usage('prove inclusion needs --stream <id>');
  const version = a.flag('version');
  const note = await published(context, a);
  const cp = openCheckpoint(note, keyFor(context, originOf(note), a));
  const proof = (q: Record<string, string>) =>
    a.get(`/transparency/${encodeURIComponent(context)}/proof?${new URLSearchParams({ stream, size: String(cp.size), ...q }).toString()}`);
  if (version) {
    const answer = (await proof({ version })) as ProofPage;
    if (answer.events.length !== 1 || answer.events[0]!.version !== Number(version))
      throw new ProofFailure('服务返回的不是所问的版本', 'the service answered for another version than asked');
    checkEvents(cp, stream, answer.events);
    const saved = save(note, a);
    out(
      `✓ 已证明 / PROVEN: ${stream} 第 ${version} 版在 ${cp.origin} 的签名检查点（大小 ${cp.size}）中，位于叶 ${answer.events[0]!.index}`,
    );
    out(
      `  version ${version} of ${stream} is leaf ${answer.events[0]!.index} of the signed checkpoint of ${cp.origin} at size ${cp.size}${saved}`,
    );
    return;
  }
  // The whole stream, however long, a page of at most 2,000 at a time (proof-check-pages.ts).
  const { count, pages } = await proveByPages(
    cp,
    stream,
    async (fromVersion) => (await proof({ fromVersion: String(fromVersion) })) as ProofPage,
  );
  const saved = save(note, a);
  out(
    `✓ 已证明 / PROVEN: ${stream} 截至检查点（${cp.origin}，大小 ${cp.size}）共 ${count} 个事件，均在日志中，且就是该流的全部（分 ${pages} 页取得）`,
  );
  out(
    `  the ${count} events of ${stream} are in the signed checkpoint of ${cp.origin} at size ${cp.size}, and are all of the stream as of it (${pages} ${pages === 1 ? 'page' : 'pages'})${saved}`,
  );
}

async function proveConsistency(context: string, a: ProveArgs): Promise<void> {
  const oldFile = a.flag('old') ?? a.usage('prove consistency needs --old <a checkpoint saved earlier>');
  const oldNote = readFileSync(oldFile, 'utf8');
  const newFile = a.flag('new');
  const newNote = newFile ? readFileSync(newFile, 'utf8') : await published(context, a);
  const key = keyFor(context, originOf(oldNote), a);
  const older: Checkpoint = openCheckpoint(oldNote, key);
  const newer: Checkpoint = openCheckpoint(newNote, key);
  let path: Buffer[] = [];
  if (older.size > 0 && older.size < newer.size) {
    const q = new URLSearchParams({ from: String(older.size), to: String(newer.size) });
    const answer = (await a.get(`/transparency/${encodeURIComponent(context)}/consistency?${q.toString()}`)) as { proof: string[] };
    path = answer.proof.map((h) => {
      const raw = Buffer.from(h, 'base64');
      if (raw.length !== 32 || raw.toString('base64') !== h)
        throw new ProofFailure('证明中的哈希不是 32 字节', 'a proof hash is not 32 bytes of base64');
      return raw;
    });
  }
  // The empty tree is a prefix of every tree: nothing to prove, and RFC 9162 proofs start at size 1.
  if (older.size > 0) checkConsistency(older.size, older.root, newer.size, newer.root, path);
  const saved = save(newNote, a);
  out(`✓ 已证明 / PROVEN: ${older.origin} 大小 ${older.size} 的检查点是大小 ${newer.size} 的检查点的前缀：此前所见的历史未被改写`);
  out(
    `  the checkpoint of size ${older.size} is a prefix of the one of size ${newer.size}: the history seen then was not rewritten${saved}`,
  );
}

function save(note: string, a: ProveArgs): string {
  const file = a.flag('save-checkpoint');
  if (!file) return '';
  writeFileSync(file, note);
  return `\n  checkpoint saved to ${file} (prove consistency --old ${file} later)`;
}

export async function prove(a: ProveArgs): Promise<void> {
  const [kind, context] = a.positional;
  if (context !== 'evaluation' && context !== 'commendation') a.usage('prove inclusion|consistency|trail evaluation|commendation …');
  try {
    if (kind === 'inclusion') await proveInclusion(context, a);
    else if (kind === 'consistency') await proveConsistency(context, a);
    else if (kind === 'trail')
      await proveTrail(a, {
        published: () => published(context, a),
        key: (origin) => keyFor(context, origin, a),
        save: (note) => save(note, a),
      });
    else a.usage('prove inclusion|consistency|trail evaluation|commendation …');
  } catch (e) {
    if (!(e instanceof ProofFailure)) throw e;
    out(`✗ 证明不成立 / PROOF FAILED: ${e.zh}`);
    out(`  ${e.en}`);
    process.exit(3);
  }
}
