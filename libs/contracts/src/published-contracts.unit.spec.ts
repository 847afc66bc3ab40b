// The guard on the published language: the committed JSON Schemas under docs/events are
// what county integrators code against. Reads committed files; no network or database.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { defineContract } from './contract';
import { findBreakingChanges } from './compatibility/schema-compatibility';
import { CONTRACT_DOCS_DIR, contractJsonSchema, generateContractDocs, schemaFileName } from './docs/contract-docs';
import { publicContracts } from './public-contracts';

const docsDir = path.resolve(__dirname, '../../..', CONTRACT_DOCS_DIR);
const schemasDir = path.join(docsDir, 'schemas');
const committed = (rel: string) => {
  const file = path.join(docsDir, rel);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
};
const regenerate = 'run `node -r @swc-node/register scripts/contracts-docs.ts` and commit docs/events';

describe('published contracts', () => {
  const sut = publicContracts;

  it.each(sut.all().map((c) => [schemaFileName(c), c] as const))(
    '%s changes only compatibly against its committed schema (else bump the version)',
    (file, contract) => {
      const published = committed(`schemas/${file}`);
      // A contract not yet published has nothing to be compatible with; the staleness test demands its file.
      if (published === undefined) return;
      const breaking = findBreakingChanges(JSON.parse(published), contractJsonSchema(contract));
      expect(breaking).toEqual([]);
    },
  );

  it('every committed schema still has its contract registered (old versions stay, with an upcaster)', () => {
    const files = fs.readdirSync(schemasDir).filter((f) => f.endsWith('.json'));
    const registered = new Set(sut.all().map(schemaFileName));
    expect(files.filter((f) => !registered.has(f))).toEqual([]);
  });

  it(`committed docs/events match the registry (${regenerate})`, () => {
    const stale = [...generateContractDocs(sut)].filter(([rel, content]) => committed(rel) !== content).map(([rel]) => rel);
    expect(stale).toEqual([]);
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

describe('compatibility guard against the committed files', () => {
  // Proves the guard is wired to the real documents: an incompatible edit of a published
  // contract, kept at the same version, is caught against what is committed.
  const published = JSON.parse(committed('schemas/organization.MemberJoined.v1.json')!);
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

  it('WhenAStatusValueIsDropped_ReportsIt', () => {
    expect(sut(published, edited(z.object({ ...base, status: z.enum(['full']) })))).toEqual([
      { path: '/properties/data/properties/status', change: 'enum value "probationary" removed' },
    ]);
  });

  it('WhenAFieldIsRemoved_ReportsIt', () => {
    const { joinedOn: _, ...rest } = base;
    expect(sut(published, edited(z.object(rest)))).toEqual([{ path: '/properties/data/properties/joinedOn', change: 'property removed' }]);
  });
});
