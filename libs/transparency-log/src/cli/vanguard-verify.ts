import { createReadStream, readFileSync } from 'node:fs';
import { BundleError } from '../bundle/bundle-error';
import { verifyBundle, type BundleReport } from '../bundle/bundle-verifier';
import { NoteVerifier } from '../note/signed-note';

const USAGE = `usage: vanguard-verify <bundle.tgz> [--key <vkey>]... [--key-file <file>] [--since <checkpoint file>]... [--allow-development-key] [--json]

Checks an evidence bundle offline (no database, no network): every event's inclusion in the
signed checkpoint, each stream's completeness against the checkpoint's stream map, the hash
chains, earlier checkpoints' consistency, and every byte of the archive. A whole-log bundle
(every event of the log) is checked by recomputing the tree's root and every stream's chain head.
  --key <vkey>              the log operator's published verifier key (repeatable); without one
                            the bundle is checked against the key it carries, which proves only
                            that it is self-consistent
  --key-file <file>         verifier keys, one per line
  --since <file>            a signed checkpoint you kept from earlier (repeatable): the bundle must
                            carry it, same size and root, with a consistency proof to its own
                            checkpoint, so the history you saw then is proven a prefix of today's
  --allow-development-key   accept the public development key (demo data)
  --json                    print the report (or the error) as JSON
Exit status: 0 verified, 1 the bundle fails a check (the code and entry say which), 2 usage or I/O.`;

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const stdio: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

export async function main(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  const keys: NoteVerifier[] = [];
  const held: { name: string; note: string }[] = [];
  let file: string | undefined;
  let json = false;
  let allowDevelopmentKey = false;
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--help' || a === '-h') {
        io.out(USAGE);
        return 0;
      }
      if (a === '--key') keys.push(NoteVerifier.parse(argv[++i] ?? ''));
      else if (a === '--key-file') keys.push(...readKeyFile(argv[++i] ?? ''));
      else if (a === '--since') held.push(readHeld(argv[++i] ?? ''));
      else if (a === '--json') json = true;
      else if (a === '--allow-development-key') allowDevelopmentKey = true;
      else if (!a.startsWith('-') && file === undefined) file = a;
      else throw new Error(`unknown argument ${a}`);
    }
    if (file === undefined) throw new Error('no bundle named');
  } catch (e) {
    io.err(`vanguard-verify: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    const report = await verifyBundle(createReadStream(file), {
      ...(keys.length ? { trustedKeys: keys } : {}),
      allowDevelopmentKey,
      held,
    });
    io.out(json ? JSON.stringify({ ok: true, ...report }) : describe(report));
    return 0;
  } catch (e) {
    if (e instanceof BundleError) {
      io.out(
        json
          ? JSON.stringify({ ok: false, code: e.code, entry: e.entry, size: e.size, message: e.message })
          : `FAIL ${e.code} ${e.message}`,
      );
      return 1;
    }
    io.err(`vanguard-verify: ${(e as Error).message}`);
    return 2;
  }
}

function readKeyFile(path: string): NoteVerifier[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .map((l) => NoteVerifier.parse(l));
}

/** A checkpoint note the auditor kept, as `prove --save-checkpoint` or the checkpoints topic gave it. */
function readHeld(path: string): { name: string; note: string } {
  if (!path) throw new Error('--since needs a checkpoint file');
  return { name: path, note: readFileSync(path, 'utf8') };
}

function describe(r: BundleReport): string {
  const lines = [
    `OK ${r.origin}: checkpoint of ${r.checkpoint.size} events, root ${r.checkpoint.root}`,
    `   signed by ${r.key}${r.keyPinned ? ' (pinned)' : ' (NOT pinned: pass --key with the operator’s published key to trust it)'}${r.developmentKey ? ' — DEVELOPMENT KEY' : ''}`,
    ...r.previous.map((p) => `   earlier checkpoint of ${p.size} events (root ${p.root}) is a prefix of it`),
    ...r.held.map((h) => `   the checkpoint you hold of ${h.size} events (root ${h.root}) is a prefix of it`),
    ...(r.wholeLog
      ? [
          `   the whole log: all ${r.events} events of ${r.wholeLog.streams} streams; the root and every stream's chain head recomputed from them`,
        ]
      : []),
    ...r.streams.map((s) =>
      s.events === 0
        ? `   stream ${s.stream}: no events as of the checkpoint`
        : `   stream ${s.stream}: all ${s.events} events, each included, chain head ${s.head}`,
    ),
  ];
  return lines.join('\n');
}
