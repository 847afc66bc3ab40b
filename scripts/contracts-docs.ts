// Writes docs/events/asyncapi.yaml and docs/events/schemas/*.json from libs/contracts.
// Run: node -r @swc-node/register scripts/contracts-docs.ts [--check]
// With --check it writes nothing and exits 1 when the committed documents are stale.
// Either way it reports (and exits 1 on) a contract no longer compatible, both ways, with a
// version of its schema committed before (git history; ADR 0012): that needs a new version.
import fs from 'node:fs';
import path from 'node:path';
import {
  CONTRACT_DOCS_DIR,
  contractJsonSchema,
  findBreakingChanges,
  generateContractDocs,
  publicContracts,
  schemaFileName,
} from '../libs/contracts/src';
import { publishedVersionsUnder } from '../libs/contracts/src/compatibility/published-history';

const root = path.resolve(__dirname, '..');
const dir = path.join(root, CONTRACT_DOCS_DIR);
const check = process.argv.includes('--check');

const wanted = generateContractDocs(publicContracts);
const schemaDir = path.join(dir, 'schemas');
const existingSchemas = fs.existsSync(schemaDir) ? fs.readdirSync(schemaDir).map((f) => `schemas/${f}`) : [];

const stale: string[] = [];
for (const [rel, content] of wanted) {
  const file = path.join(dir, rel);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === content) continue;
  stale.push(rel);
  if (!check) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
// A published schema whose contract is gone is a removed event version: say so, never delete it silently.
const orphans = existingSchemas.filter((rel) => !wanted.has(rel));

for (const rel of stale) console.log(`${check ? 'stale' : 'wrote'} ${path.join(CONTRACT_DOCS_DIR, rel)}`);
for (const rel of orphans)
  console.error(`no contract for published ${path.join(CONTRACT_DOCS_DIR, rel)}; restore the contract (old versions stay registered)`);

const breaking: string[] = [];
const history = publishedVersionsUnder(root, `${CONTRACT_DOCS_DIR}/schemas`);
for (const c of publicContracts.all()) {
  const rel = `${CONTRACT_DOCS_DIR}/schemas/${schemaFileName(c)}`;
  for (const { commit, content } of history.get(rel) ?? []) {
    for (const b of findBreakingChanges(JSON.parse(content) as Record<string, unknown>, contractJsonSchema(c))) {
      breaking.push(`${c.type} v${c.version} against ${commit.slice(0, 10)}: ${b.direction} ${b.path}: ${b.change}`);
    }
  }
}
for (const line of breaking) console.error(`breaking: ${line}`);
if (breaking.length) console.error('a breaking change needs a new contract version (libs/contracts/README.md)');

if (!stale.length && !orphans.length && !breaking.length) console.log(`${CONTRACT_DOCS_DIR} is up to date (${wanted.size} files)`);
if ((check && stale.length) || orphans.length || breaking.length) process.exit(1);
