import { execFileSync } from 'node:child_process';

/**
 * The JSON Schemas as published: every committed version of a file under docs/events,
 * read from git history rather than the working tree, so a change cannot move its own
 * baseline. History on main cannot be rewritten; the only way past a breaking change is a
 * new contract version (a new file with no history).
 *
 * For tests and scripts only (it runs git).
 */
export interface PublishedVersion {
  readonly commit: string;
  readonly content: string;
}

const git = (root: string, args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });

/** `VANGUARD_CONTRACTS_BASE` (e.g. `origin/main`) adds that ref's history to HEAD's, for a branch checked against main. */
function refs(): string[] {
  const base = process.env['VANGUARD_CONTRACTS_BASE'];
  return base ? ['HEAD', base] : ['HEAD'];
}

export function assertFullHistory(root: string): void {
  if (git(root, ['rev-parse', '--is-shallow-repository']).trim() === 'true') {
    throw new Error('the contract baseline is read from git history: fetch it (git fetch --unshallow) before running the contracts test');
  }
}

/** Every distinct committed content of `relPath`, newest first. */
export function publishedVersions(root: string, relPath: string): PublishedVersion[] {
  return publishedVersionsUnder(root, relPath).get(relPath) ?? [];
}

/**
 * Every distinct committed content of every file under `relDir` (a file or a folder), newest
 * first, in two git processes: `log` names the commits touching each file, `cat-file --batch`
 * reads all those blobs at once.
 */
export function publishedVersionsUnder(root: string, relDir: string): Map<string, PublishedVersion[]> {
  const touches: { commit: string; path: string }[] = [];
  let commit = '';
  for (const line of git(root, ['log', '--format=commit %H', '--name-only', ...refs(), '--', relDir]).split('\n')) {
    if (line.startsWith('commit ')) commit = line.slice(7);
    else if (line.trim()) touches.push({ commit, path: line.trim() });
  }
  const out = new Map<string, PublishedVersion[]>();
  if (!touches.length) return out;
  const batch = execFileSync('git', ['cat-file', '--batch'], {
    cwd: root,
    input: touches.map((t) => `${t.commit}:${t.path}`).join('\n') + '\n',
    maxBuffer: 256 << 20,
  });
  let at = 0;
  for (const { commit: c, path: p } of touches) {
    const eol = batch.indexOf(0x0a, at);
    const header = batch.subarray(at, eol).toString('utf8');
    at = eol + 1;
    if (header.endsWith(' missing')) continue; // the commit deleted it
    const size = Number(header.split(' ')[2]);
    const content = batch.subarray(at, at + size).toString('utf8');
    at += size + 1;
    const versions = out.get(p) ?? [];
    if (!versions.some((v) => v.content === content)) versions.push({ commit: c, content });
    out.set(p, versions);
  }
  return out;
}

/** Every file ever committed under `relDir`, including deleted ones. */
export function everPublished(root: string, relDir: string): string[] {
  const names = git(root, ['log', '--format=', '--name-only', '--diff-filter=A', ...refs(), '--', relDir]);
  return [...new Set(names.split('\n').filter(Boolean))].sort();
}
