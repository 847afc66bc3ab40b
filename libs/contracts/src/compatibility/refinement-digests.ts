import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The digest of each refinement, from its `<name>.refinement.ts` source text (whitespace
 * folded): not `check.toString()`, which misses the helpers a check calls and the `when` gate,
 * and changes with the transpiler (`npm start` runs @swc-node/register, Jest @swc/jest).
 * A file holds one rule and imports only types and zod, so its text is the whole rule.
 *
 * For tests only (it reads the source tree).
 */
export interface RefinementSource {
  readonly id: string;
  readonly file: string;
  readonly digest: string;
  /** Why the file is not a self-contained single rule; empty when it is. */
  readonly problems: readonly string[];
}

export const REFINEMENT_FILE = /\.refinement\.ts$/;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : REFINEMENT_FILE.test(e.name) ? [path.join(dir, e.name)] : []));
}

export function digestOf(text: string): string {
  return createHash('sha256').update(text.replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 16);
}

export function refinementSources(srcDir: string): RefinementSource[] {
  return filesUnder(srcDir).map((file) => {
    const text = fs.readFileSync(file, 'utf8');
    const problems: string[] = [];
    const names = [...text.matchAll(/^\s*name: '([a-z][a-z0-9-]*)',\s*$/gm)].map((m) => m[1]);
    const versions = [...text.matchAll(/^\s*version: (\d+),\s*$/gm)].map((m) => m[1]);
    if (names.length !== 1 || versions.length !== 1) problems.push('declare exactly one rule (one `name:` and one `version:` line)');
    for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)';/gm)) {
      if (!m[1] && m[2] !== 'zod') problems.push(`imports ${m[2]} at run time: a helper outside the file would escape the digest`);
    }
    if (/\brequire\(|\bimport\(/.test(text)) problems.push('loads code dynamically');
    return { id: `${names[0] ?? '?'}@${versions[0] ?? '?'}`, file: path.relative(srcDir, file), digest: digestOf(text), problems };
  });
}
