// Writes docs/events/asyncapi.yaml and docs/events/schemas/*.json from libs/contracts.
// Run: node -r @swc-node/register scripts/contracts-docs.ts [--check]
// With --check it writes nothing and exits 1 when the committed documents are stale.
import fs from 'node:fs';
import path from 'node:path';
import { CONTRACT_DOCS_DIR, generateContractDocs, publicContracts } from '../libs/contracts/src';

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
if (!stale.length && !orphans.length) console.log(`${CONTRACT_DOCS_DIR} is up to date (${wanted.size} files)`);
if ((check && stale.length) || orphans.length) process.exit(1);
