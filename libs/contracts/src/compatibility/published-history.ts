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
  const commits = git(root, ['log', '--format=%H', ...refs(), '--', relPath])
    .split('\n')
    .filter(Boolean);
  const seen = new Set<string>();
  const out: PublishedVersion[] = [];
  for (const commit of commits) {
    let content: string;
    try {
      content = git(root, ['show', `${commit}:${relPath}`]);
    } catch {
      continue; // the commit deleted it
    }
    if (seen.has(content)) continue;
    seen.add(content);
    out.push({ commit, content });
  }
  return out;
}

/** Every file ever committed under `relDir`, including deleted ones. */
export function everPublished(root: string, relDir: string): string[] {
  const names = git(root, ['log', '--format=', '--name-only', '--diff-filter=A', ...refs(), '--', relDir]);
  return [...new Set(names.split('\n').filter(Boolean))].sort();
}
