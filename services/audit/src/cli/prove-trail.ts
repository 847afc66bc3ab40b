// `npm run audit -- prove trail …` (ADR 0077), for an audit_supervisor: the auditors' trail as a
// store's signed checkpoint commits to it in its `vanguard-trail/v1` line, checked HERE with the
// CLI's own verifier (proof-check.ts), exactly as `prove inclusion|consistency` checks events.
//
//   prove trail evaluation|commendation --auditor <sub> [--version n] [--checkpoint <file>] [--save-checkpoint <file>]
//   (all of an auditor's entries are fetched a page of at most 2,000 at a time, and checked as one stream)
//   prove trail evaluation|commendation --old <file> [--new <file>]
import { readFileSync } from 'node:fs';
import {
  checkConsistency,
  checkEvents,
  openCheckpoint,
  ProofFailure,
  trailCheckpoint,
  type Checkpoint,
  type MapProof,
  type PinnedKey,
  type ProvedEvent,
} from './proof-check';
import { proveByPages, type ProofPage } from './proof-check-pages';
import type { ProveArgs } from './prove-command';

/** What `prove` already does for every log: the published note, the pinned key, `--save-checkpoint`. */
export interface ProveTools {
  readonly published: () => Promise<string>;
  readonly key: (origin: string | undefined) => PinnedKey;
  readonly save: (note: string) => string;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const originOf = (note: string): string | undefined => note.split('\n', 1)[0] || undefined;

export async function proveTrail(a: ProveArgs, t: ProveTools): Promise<void> {
  if (a.flag('old') !== undefined) return trailConsistency(a, t);
  const auditor = a.flag('auditor') ?? a.usage('prove trail needs --auditor <sub> (or --old <file>: the trail then is a prefix of now)');
  const version = a.flag('version');
  const note = await t.published();
  const signed = openCheckpoint(note, t.key(originOf(note)));
  const trail = trailCheckpoint(signed);
  const stream = `auditor-${auditor}`;
  if (version) {
    const q = new URLSearchParams({ auditor, size: String(trail.size), version });
    const answer = (await a.get(`/audit-trail/proof?${q.toString()}`)) as { events: ProvedEvent[] };
    if (answer.events.length !== 1 || answer.events[0]!.version !== Number(version))
      throw new ProofFailure('服务返回的不是所问的记录', 'the service answered for another entry than asked');
    inTrail(signed.origin, trail.size, () => checkEvents(trail, stream, answer.events));
    const saved = t.save(note);
    out(`✓ 已证明 / PROVEN: ${stream} 第 ${version} 条审计记录在 ${signed.origin} 的签名检查点所承诺的审计记录（大小 ${trail.size}）中`);
    out(
      `  entry ${version} of ${stream} is leaf ${answer.events[0]!.index} of the auditors' trail of size ${trail.size} that the signed checkpoint of ${signed.origin} at size ${signed.size} commits to${saved}`,
    );
    return;
  }
  const { count, pages } = await proveAll(a, signed.origin, trail, auditor);
  const saved = t.save(note);
  out(
    `✓ 已证明 / PROVEN: ${stream} 截至签名检查点（${signed.origin}，大小 ${signed.size}）共 ${count} 条审计记录，均未删改，且就是全部（分 ${pages} 页取得）`,
  );
  out(
    `  the ${count} entries of ${stream} are in the auditors' trail of size ${trail.size} that the signed checkpoint of ${signed.origin} at size ${signed.size} commits to, and are all of them (${pages} ${pages === 1 ? 'page' : 'pages'})${saved}`,
  );
}

/**
 * All of an auditor's entries, however many: the first page's map entry says how many and where
 * their chain ends, then page after page from the version after the last checked, each entry's
 * inclusion checked and the chain carried on (proof-check-pages.ts).
 */
async function proveAll(a: ProveArgs, origin: string, trail: Checkpoint, auditor: string): Promise<{ count: number; pages: number }> {
  const stream = `auditor-${auditor}`;
  const page = async (fromVersion: number): Promise<ProofPage> => {
    // An empty trail has no leaf to ask about: its empty map proves the auditor had no entry.
    if (trail.size === 0) return { events: [], mapProof: { kind: 'absent' } as MapProof };
    const q = new URLSearchParams({ auditor, size: String(trail.size), fromVersion: String(fromVersion) });
    return (await a.get(`/audit-trail/proof?${q.toString()}`)) as ProofPage;
  };
  try {
    return await proveByPages(trail, stream, page);
  } catch (e) {
    return inTrail(origin, trail.size, () => {
      throw e;
    });
  }
}

async function trailConsistency(a: ProveArgs, t: ProveTools): Promise<void> {
  const oldNote = readFileSync(a.flag('old')!, 'utf8');
  const newFile = a.flag('new');
  const newNote = newFile ? readFileSync(newFile, 'utf8') : await t.published();
  const key = t.key(originOf(oldNote));
  const older = trailCheckpoint(openCheckpoint(oldNote, key));
  const newer = trailCheckpoint(openCheckpoint(newNote, key));
  let path: Buffer[] = [];
  if (older.size > 0 && older.size < newer.size) {
    const q = new URLSearchParams({ from: String(older.size), to: String(newer.size) });
    const answer = (await a.get(`/audit-trail/consistency?${q.toString()}`)) as { proof: string[] };
    path = answer.proof.map((h) => {
      const raw = Buffer.from(h, 'base64');
      if (raw.length !== 32 || raw.toString('base64') !== h)
        throw new ProofFailure('证明中的哈希不是 32 字节', 'a proof hash is not 32 bytes of base64');
      return raw;
    });
  }
  // The empty trail is a prefix of every trail: nothing to prove, and RFC 9162 proofs start at size 1.
  if (older.size > 0)
    try {
      checkConsistency(older.size, older.root, newer.size, newer.root, path);
    } catch (e) {
      if (!(e instanceof ProofFailure)) throw e;
      throw new ProofFailure(
        `大小 ${older.size} 的审计记录不是大小 ${newer.size} 的前缀，记录被删改：${e.zh}`,
        `the auditors' trail of size ${older.size} is not a prefix of the one of size ${newer.size} (an entry was removed or rewritten): ${e.en}`,
      );
    }
  const saved = t.save(newNote);
  out(`✓ 已证明 / PROVEN: 大小 ${older.size} 的审计记录是大小 ${newer.size} 的前缀：此前的审计记录未被删改`);
  out(
    `  the auditors' trail of size ${older.size} is a prefix of the one of size ${newer.size}: no entry was removed or rewritten since${saved}`,
  );
}

/** A failure names the trail it is about: the checker's messages speak of "the checkpoint". */
function inTrail<T>(origin: string | undefined, size: number, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (!(e instanceof ProofFailure)) throw e;
    throw new ProofFailure(
      `审计记录（${origin} 承诺，大小 ${size}）：${e.zh}`,
      `the auditors' trail (committed by ${origin}, size ${size}): ${e.en}`,
    );
  }
}
