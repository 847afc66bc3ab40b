// The guard on the published language. The baseline is every version of each JSON Schema
// ever committed under docs/events (read from git history, not from the working tree the
// same change regenerates); a contract must stay compatible both ways with all of them.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defineContract } from './contract';
import { assertFullHistory, everPublished, publishedVersions, publishedVersionsUnder } from './compatibility/published-history';
import { refinementSources } from './compatibility/refinement-digests';
import { findBreakingChanges } from './compatibility/schema-compatibility';
import { CONTRACT_DOCS_DIR, contractJsonSchema, generateContractDocs, schemaFileName } from './docs/contract-docs';
import { publicContracts } from './public-contracts';
import { declaredRefinements } from './refinements';

const root = path.resolve(__dirname, '../../..');
const docsDir = path.join(root, CONTRACT_DOCS_DIR);
const schemasDir = path.join(docsDir, 'schemas');
const committed = (rel: string) => {
  const file = path.join(docsDir, rel);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
};
// The refinement digests as committed: every version of the lock in git history, and the working tree's.
const LOCK = 'libs/contracts/src/compatibility/refinement-digests.lock.json';
const workingLock = JSON.parse(fs.readFileSync(path.join(root, LOCK), 'utf8')) as Record<string, string>;
const regenerate = 'run `npm run contracts:docs` and commit docs/events';
const schemaPath = (file: string) => `${CONTRACT_DOCS_DIR}/schemas/${file}`;

describe('published contracts', () => {
  const sut = publicContracts;

  beforeAll(() => assertFullHistory(root));
  const history = publishedVersionsUnder(root, `${CONTRACT_DOCS_DIR}/schemas`);

  it.each(sut.all().map((c) => [schemaFileName(c), c] as const))(
    '%s stays compatible both ways with every published version of it (else define the next version)',
    (file, contract) => {
      const current = contractJsonSchema(contract);
      const breaking = (history.get(schemaPath(file)) ?? []).flatMap(({ commit, content }) =>
        findBreakingChanges(JSON.parse(content), current).map((b) => ({ against: commit.slice(0, 10), ...b })),
      );
      expect(breaking).toEqual([]);
    },
  );

  it('every schema ever published still has its contract registered (old versions stay, with an upcaster)', () => {
    const registered = new Set(sut.all().map((c) => schemaPath(schemaFileName(c))));
    const onDisk = fs.readdirSync(schemasDir).map(schemaPath);
    const published = everPublished(root, `${CONTRACT_DOCS_DIR}/schemas`);
    expect([...new Set([...onDisk, ...published])].filter((f) => f.endsWith('.json') && !registered.has(f))).toEqual([]);
  });

  it('each type has every version from 1 to its latest (a breaking change adds the next, old ones stay)', () => {
    const versions = new Map<string, number[]>();
    for (const c of sut.all()) versions.set(c.type, [...(versions.get(c.type) ?? []), c.version]);
    const gaps = [...versions].filter(([, v]) => v.some((n, i) => n !== i + 1)).map(([type, v]) => `${type}: ${v.join(',')}`);
    expect(gaps).toEqual([]);
  });

  it(`committed docs/events match the registry (${regenerate})`, () => {
    const stale = [...generateContractDocs(sut)].filter(([rel, content]) => committed(rel) !== content).map(([rel]) => rel);
    expect(stale).toEqual([]);
  });

  it('every refinement is named, and declared alone in a self-contained <name>.refinement.ts', () => {
    const ids = sut.all().flatMap((c) => JSON.stringify(contractJsonSchema(c)).match(/"id":"[^"]+@\d+"|"id":"unnamed[^"]*"/g) ?? []);
    expect(ids.filter((i) => i.includes('unnamed'))).toEqual([]);
    const sources = refinementSources(__dirname);
    expect(sources.filter((s) => s.problems.length).map((s) => ({ file: s.file, problems: s.problems }))).toEqual([]);
    const withFile = new Set(sources.map((s) => s.id));
    expect([...declaredRefinements()].filter(([id, rules]) => !withFile.has(id) || rules.length > 1).map(([id]) => id)).toEqual([]);
  });

  it('a rule whose source changed has a new version: its digest equals every digest ever committed for it (refinement-digests.lock.json)', () => {
    const current = Object.fromEntries(refinementSources(__dirname).map((s) => [s.id, s.digest]));
    const committedLocks = publishedVersions(root, LOCK).map(({ commit, content }) => ({
      commit,
      lock: JSON.parse(content) as Record<string, string>,
    }));
    const changed = [{ commit: 'working tree', lock: workingLock }, ...committedLocks].flatMap(({ commit, lock }) =>
      Object.entries(lock)
        .filter(([id, digest]) => id in current && current[id] !== digest)
        .map(([id]) => `${id} (against ${commit.slice(0, 10)})`),
    );
    // A new rule is added to the lock in the change that adds it; a rule that disappears keeps its lock entry.
    const unlocked = Object.fromEntries(Object.entries(current).filter(([id]) => !(id in workingLock)));
    const dropped = committedLocks.flatMap(({ lock }) => Object.keys(lock)).filter((id) => !(id in workingLock));
    expect({ changed, unlocked, dropped: [...new Set(dropped)] }).toEqual({ changed: [], unlocked: {}, dropped: [] });
  });

  it('publishes no clear-text ID-card numbers or phone numbers', () => {
    const names: string[] = [];
    const walk = (s: unknown): void => {
      if (typeof s !== 'object' || s === null) return;
      const props = (s as { properties?: Record<string, unknown> }).properties;
      if (props) names.push(...Object.keys(props));
      Object.values(s).forEach(walk);
    };
    sut.all().forEach((c) => walk(contractJsonSchema(c)));
    expect(names.filter((n) => /phone|mobile|idcard|idnumber|identity/i.test(n))).toEqual([]);
  });
});

describe('compatibility guard against the published history', () => {
  // Proves the guard is wired to the real baseline: edits of a published contract kept at the
  // same version are caught against what git holds, whatever the working tree says.
  const file = 'organization.MemberJoined.v1.json';
  const [first] = publishedVersions(root, schemaPath(file)).slice(-1);
  const published = JSON.parse(first!.content);
  const edited = (schema: z.ZodType) =>
    contractJsonSchema(
      defineContract({
        context: 'organization',
        name: 'MemberJoined',
        version: 1,
        stream: 'member',
        description: 'A party member joined an organisation (full or probationary).',
        schema,
      }),
    );
  const base = {
    memberId: z.uuid(),
    orgId: z.uuid(),
    name: z.string().min(1).max(100).describe('display name; no ID-card number or phone is ever published'),
    status: z.enum(['full', 'probationary']),
    joinedOn: z.iso.date(),
    roles: z.array(
      z.enum([
        'secretary',
        'committee_member',
        'party_worker',
        'first_secretary',
        'village_official_graduate',
        'party_building_instructor',
      ]),
    ),
  };
  const sut = findBreakingChanges;

  it('WhenUnchanged_FindsNothing', () => {
    expect(sut(published, edited(z.object(base)))).toEqual([]);
  });

  it('WhenAnOptionalFieldIsAdded_FindsNothing', () => {
    expect(sut(published, edited(z.object({ ...base, remark: z.string().optional() })))).toEqual([]);
  });

  it('WhenAStatusValueIsAdded_ReportsItForOldConsumers', () => {
    expect(sut(published, edited(z.object({ ...base, status: z.enum(['full', 'probationary', 'candidate']) })))).toEqual([
      {
        direction: 'new-producers→old-consumers',
        path: '/properties/data/properties/status',
        change: 'value "candidate" not accepted by the receiving side',
      },
    ]);
  });

  it('WhenTheNameMayBeLonger_ReportsItForOldConsumers', () => {
    expect(sut(published, edited(z.object({ ...base, name: z.string().min(1).max(200) })))).toEqual([
      {
        direction: 'new-producers→old-consumers',
        path: '/properties/data/properties/name',
        change: 'the receiving side requires maxLength 100',
      },
    ]);
  });

  it('WhenAStatusValueIsDropped_ReportsItForNewConsumers', () => {
    expect(sut(published, edited(z.object({ ...base, status: z.enum(['full']) })))).toEqual([
      {
        direction: 'old-producers→new-consumers',
        path: '/properties/data/properties/status',
        change: 'value "probationary" not accepted by the receiving side',
      },
    ]);
  });

  it('WhenARequiredFieldIsRemoved_ReportsIt', () => {
    const { joinedOn: _, ...rest } = base;
    expect(sut(published, edited(z.object(rest)))).toEqual([
      {
        direction: 'new-producers→old-consumers',
        path: '/properties/data/properties/joinedOn',
        change: 'required by the receiving side, not declared by the sender',
      },
    ]);
  });
});
