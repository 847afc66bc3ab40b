import * as fs from 'node:fs';
import * as path from 'node:path';
import { contractJsonSchema } from '../docs/contract-docs';
import { CountyMessageOutcome } from './county-reply.contracts';
import { COUNTY_REFUSAL_CODES, countyRefusalCodes } from './refusal-codes';

const root = path.resolve(__dirname, '../../../..');
const LIST = path.join(__dirname, 'refusal-codes.ts');

/** Every non-test TypeScript file of the libs and services: the gate, the owners' handlers and the county client. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(p);
    return /\.ts$/.test(e.name) && !/\.spec\.ts$/.test(e.name) && p !== LIST ? [p] : [];
  });
}

/** `COUNTY.*` codes written anywhere in the sources, with the files that write them. */
function codesInSources(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [...sources(path.join(root, 'libs')), ...sources(path.join(root, 'services'))])
    for (const [code] of fs.readFileSync(file, 'utf8').matchAll(/\bCOUNTY\.[A-Z][A-Z_]*\b/g))
      found.set(code, [...(found.get(code) ?? []), path.relative(root, file)]);
  return found;
}

describe('county refusal codes', () => {
  const inSources = codesInSources();

  it('lists every COUNTY.* code the gate and the owners’ handlers can answer', () => {
    const unlisted = [...inSources].filter(([code]) => !(code in COUNTY_REFUSAL_CODES)).map(([code, files]) => `${code} (${files[0]})`);
    expect(unlisted).toEqual([]);
  });

  it('lists no code that nothing answers', () => {
    expect(countyRefusalCodes.filter((c) => !inSources.has(c))).toEqual([]);
  });

  it('the reply contract’s JSON Schema enumerates them, and the contract still takes an owner’s code', () => {
    const reply = (code: string) =>
      CountyMessageOutcome.schema.safeParse({
        messageId: 'm-1',
        messageType: 'county.DeedRecorded',
        subject: null,
        service: 'assistance',
        outcome: 'refused',
        code,
        reason: 'why',
      });
    expect(countyRefusalCodes.filter((c) => !reply(c).success)).toEqual([]);
    expect(reply('county-deed-replaced-by-its-county@1').success).toBe(true);
    const schema = JSON.stringify(contractJsonSchema(CountyMessageOutcome));
    for (const c of countyRefusalCodes) expect(schema).toContain(`"${c}"`);
  });
});
