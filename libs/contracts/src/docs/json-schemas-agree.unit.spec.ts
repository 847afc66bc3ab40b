/**
 * The committed JSON Schemas in docs/events/schemas are what county systems validate against
 * (issue 17). They are generated from the zod contracts, so a test that checks them with zod
 * would check the generator against itself. Here Ajv, a JSON Schema 2020-12 validator of its own,
 * judges the committed files:
 * - every file is a valid 2020-12 schema;
 * - instances are generated from it (json-schema-faker), kept where Ajv accepts them, and changed
 *   (at random, and at one place after another: a property left out, a string made longer);
 * - whatever the registry accepts among them, Ajv accepts: nothing a producer may publish is
 *   refused by a county that checks it against the published schema;
 * - whatever Ajv accepts, the registry accepts, save where a rule the file declares refuses it
 *   (`x-refinements`, or the stream id's binding to the data in `x-key`): rules JSON Schema
 *   cannot express.
 * Changing a committed file (an enum value added, a property no longer required, a maxLength
 * lowered, a format changed) was seen to fail it. The generator seldom meets some declared rules
 * by chance; MEET_RULE edits its data as the rules' published descriptions say.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { JSONSchemaFaker } from 'json-schema-faker';
import { publicContracts } from '../public-contracts';
import { seededRandom } from '../seeded-random.spec-helper';

const SCHEMAS = join(__dirname, '../../../../docs/events/schemas');
const INSTANCES_PER_SCHEMA = 6;
const MUTANTS_PER_INSTANCE = 6;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };
/** A JSON value as text: a string as it is, anything else as JSON. */
const text = (v: Json | undefined): string => (typeof v === 'string' ? v : JSON.stringify(v));

const files = readdirSync(SCHEMAS)
  .filter((f) => f.endsWith('.json'))
  .sort();
const schemaOf = (file: string) => JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as JsonObject;

/** Each file's own random sequence, seeded by its name: a failure replays alone, and a new schema changes no other's data. */
let random = seededRandom(0);
const below = (n: number) => Math.floor(random() * n);
function seedFor(file: string): void {
  random = seededRandom([...file].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) | 0, 17));
  // Its defaults: each optional property present or not at random. Capping lengths or items here
  // broke schemas whose patterns or minimums ask for more (forGeneration caps the longest arrays alone).
  JSONSchemaFaker.option({ random: () => random(), failOnInvalidFormat: true, failOnInvalidTypes: true });
}

/** Items the generator makes at most in an array the schema lets grow longer (its own minimum still met). */
const GENERATED_ITEMS_AT_MOST = 250;

/**
 * The schema as the generator can use it, for generating only (Ajv judges the committed file):
 * json-schema-faker ignores `propertyNames`, so a map keyed by an enum becomes one optional
 * property per allowed key; and an array allowed more than 250 items (13 of them, 400 to 5,000) is
 * made with at most 250. Random lengths up to 5,000 objects spent most of the suite's 36 s in
 * generating and parsing them (16 s now). Every bound up to 250 is still crossed by random lengths,
 * so a file and a contract that disagree on it fail here; on those 13 only a disagreement below 250 does.
 */
function forGeneration(node: Json): Json {
  if (Array.isArray(node)) return node.map(forGeneration);
  if (typeof node !== 'object' || node === null) return node;
  const o = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, forGeneration(v)]));
  if (typeof o['maxItems'] === 'number' && o['maxItems'] > GENERATED_ITEMS_AT_MOST)
    o['maxItems'] = Math.max(GENERATED_ITEMS_AT_MOST, typeof o['minItems'] === 'number' ? o['minItems'] : 0);
  const names = o['propertyNames'] as JsonObject | undefined;
  const each = o['additionalProperties'];
  if (Array.isArray(names?.['enum']) && typeof each === 'object' && each !== null) {
    const { propertyNames: _n, ...rest } = o;
    void _n;
    return { ...rest, properties: Object.fromEntries(names['enum'].map((k) => [text(k), each])), additionalProperties: false };
  }
  return o;
}

// Strict: a misspelled keyword or an unknown format in a committed file is an error, not ignored.
const ajv = new Ajv2020({ strict: true, allErrors: true, keywords: ['x-topic', 'x-key', 'x-refinements', 'x-refinements-recorded'] });
addFormats(ajv);

/** The stream id `x-key` gives, where the contract binds it to a field of the data. */
function withBoundStreamId(instance: JsonObject): JsonObject {
  const contract = publicContracts.find(text(instance['type']), Number(instance['version']));
  const data = instance['data'];
  if (!contract?.subject || typeof data !== 'object' || data === null) return instance;
  const parsed = contract.schema.safeParse(data);
  return parsed.success ? { ...instance, streamId: `${contract.stream}-${contract.subject.of(parsed.data)}` } : instance;
}

/**
 * Declared rules that random data seldom meets, met by editing the data as each rule's published
 * description says (not with the rule's code): otherwise most instances of the schemas that carry
 * one would be refused by it, and their mutants would test little.
 */
const MEET_RULE: Record<string, (node: Json) => void> = {
  // "ballotsReturned ≤ ballotsIssued; the votes add up to at most ballotsReturned"
  'tally-fits@1': (node) => {
    const data = node as JsonObject;
    const votes = data['votes'] as Record<string, number>;
    for (const k of Object.keys(votes)) votes[k] = votes[k]! % 1_000;
    const sum = Object.values(votes).reduce((a, b) => a + b, 0);
    data['ballotsReturned'] = Math.max(sum, Number(data['ballotsReturned']) % 1_000_000);
    data['ballotsIssued'] = Math.max(Number(data['ballotsReturned']), Number(data['ballotsIssued']) % 1_000_000);
  },
  // "each value may appear only once"
  'each-value-once@1': (node) => {
    const values = node as Json[];
    const once = [...new Set(values.map((v) => JSON.stringify(v)))].map((v) => JSON.parse(v) as Json);
    values.splice(0, values.length, ...once);
  },
  // "itemsCompleted ≤ itemsPledged; reportedOn not before the quarter began"
  'progress-fits-pledge-and-quarter@1': (node) => {
    const data = node as JsonObject;
    data['itemsCompleted'] = Math.min(Number(data['itemsCompleted']), Number(data['itemsPledged']));
    const [year, q] = text(data['quarter']).split('-Q');
    const began = `${year}-${String(3 * (Number(q) - 1) + 1).padStart(2, '0')}-01`;
    if (text(data['reportedOn']) < began) data['reportedOn'] = began;
  },
};

/** Where the schema declares rules: each `x-refinements` entry with the property path it sits at. */
function declaredRules(node: Json, at: string[] = []): { at: string[]; id: string }[] {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
  const here = Array.isArray(node['x-refinements']) ? node['x-refinements'].map((r) => ({ at, id: text((r as JsonObject)['id']) })) : [];
  const properties = (node['properties'] ?? {}) as JsonObject;
  return [...here, ...Object.entries(properties).flatMap(([k, v]) => declaredRules(v, [...at, k]))];
}

function meetingDeclaredRules(schema: JsonObject, instance: JsonObject): JsonObject {
  const copy = structuredClone(instance);
  for (const { at, id } of declaredRules(schema)) {
    const node = at.reduce<Json | undefined>((n, k) => (typeof n === 'object' && n !== null ? (n as JsonObject)[k] : undefined), copy);
    if (node !== undefined && node !== null) MEET_RULE[id]?.(node);
  }
  return copy;
}

/**
 * Whether the registry refused for a rule the file states but JSON Schema cannot express: the
 * stream id bound to a field of the data (`x-key`), or a declared refinement (`x-refinements`).
 */
function refusedByDeclaredRule(schema: JsonObject, instance: JsonObject, refusal: string): boolean {
  // Only the binding ("…, here <stream>-<id of the data>, got …"): the stream's prefix is the file's `pattern`.
  const contract = publicContracts.find(text(instance['type']), Number(instance['version']));
  if (contract?.subject && refusal.startsWith('streamId must be ') && refusal.includes(', here ')) return true;
  return refusedOnlyByDeclaredRules(schema, instance);
}

/** Whether every issue of the registry's refusal is a declared rule's (a zod refinement), not a field's shape. */
function refusedOnlyByDeclaredRules(schema: JsonObject, instance: JsonObject): boolean {
  const contract = publicContracts.find(text(instance['type']), Number(instance['version']));
  if (!contract) return false;
  const parsed = contract.schema.safeParse(instance['data']);
  return !parsed.success && JSON.stringify(schema).includes('"x-refinements"') && parsed.error.issues.every((i) => i.code === 'custom');
}

const paths = (value: Json, at: string[] = []): string[][] =>
  typeof value === 'object' && value !== null ? [at, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, k]))] : [at];

/** One random change somewhere in the instance: a field dropped, retyped, lengthened, or one added. */
function mutant(instance: JsonObject): JsonObject {
  const copy = structuredClone(instance);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[below(all.length)]!;
  const parent = path.slice(0, -1).reduce<Json>((node, k) => (node as JsonObject)[k]!, copy) as JsonObject | Json[];
  const key = path[path.length - 1]!;
  const value = (parent as JsonObject)[key]!;
  const replacements: (Json | undefined)[] = [undefined, null, 7, -1, 1.5, '', 'x'.repeat(300), true, [], {}, '2026-13-45', 'not-a-uuid'];
  if (typeof value === 'string') replacements.push(`${value}x`, `${value}${value}`, value.toUpperCase(), ` ${value}`);
  const choice = below(replacements.length + 1);
  if (choice === replacements.length) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) value[`extra${below(3)}`] = 'added';
    else if (Array.isArray(value)) value.push(structuredClone(value[0] ?? 'added'));
    return copy;
  }
  const next = replacements[choice];
  if (next === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else (parent as JsonObject)[key] = next;
  return copy;
}

/** A string made longer: to 64 characters by repeating it (random short ones would rarely cross a bound), else twice over. */
const longer = (s: string) =>
  s.length === 0 ? 'x'.repeat(64) : s.length < 64 ? s.repeat(Math.ceil(64 / s.length)).slice(0, 64) : `${s}${s}`;

/**
 * The instance changed at each of up to `limit` places picked at random: a property left out, and
 * a string made longer (a schema's bounds tighter than the registry's show there).
 */
function* changedAtEachPlace(instance: JsonObject, limit = 16): Generator<JsonObject> {
  const places = paths(instance).filter((path) => path.length > 0);
  for (let left = Math.min(limit, places.length); left > 0; left--) {
    const [path] = places.splice(below(places.length), 1);
    const key = path![path!.length - 1]!;
    const changed = (change: (parent: JsonObject) => void) => {
      const copy = structuredClone(instance);
      change(path!.slice(0, -1).reduce<Json>((node, k) => (node as JsonObject)[k]!, copy) as JsonObject);
      return copy;
    };
    const value = path!.slice(0, -1).reduce<Json>((node, k) => (node as JsonObject)[k]!, instance);
    if (!Array.isArray(value)) yield changed((parent) => delete parent[key]);
    if (typeof (value as JsonObject)[key] === 'string') yield changed((parent) => (parent[key] = longer(text(parent[key]))));
  }
}

function* candidatesFrom(instance: JsonObject): Generator<JsonObject> {
  yield instance;
  // The key's stream prefix broken (the file's `pattern` must refuse it, as the registry does).
  yield { ...instance, streamId: `x${text(instance['streamId'])}` };
  for (let m = 0; m < MUTANTS_PER_INSTANCE; m++) yield mutant(instance);
  yield* changedAtEachPlace(instance);
}

describe('the committed JSON Schemas (docs/events/schemas), judged by Ajv', () => {
  it('holds a schema for every contract the registry publishes', () => {
    expect(files.length).toBe(publicContracts.all().length);
  });

  it.each(files)('%s is a JSON Schema 2020-12 that agrees with the registry, both ways', (file) => {
    seedFor(file);
    const schema = schemaOf(file);
    expect(ajv.validateSchema(schema)).toBe(true);
    const validate = ajv.compile(schema);

    const generating = forGeneration(schema);
    const accepted: JsonObject[] = [];
    for (let i = 0; i < INSTANCES_PER_SCHEMA * 4 && accepted.length < INSTANCES_PER_SCHEMA; i++) {
      const instance = withBoundStreamId(meetingDeclaredRules(schema, JSONSchemaFaker.generate(generating as never) as JsonObject));
      if (validate(instance)) accepted.push(instance);
    }
    // The generator must reach the schema at all, or this test would prove nothing for it.
    expect(accepted.length).toBeGreaterThan(0);

    // Each disagreement as the refusing side's first reason and the candidate's data, briefly: whole candidates overflow Jest's report.
    const brief = (x: JsonObject) => JSON.stringify(x['data']).slice(0, 400);
    const schemaOnly: string[] = [];
    const registryOnly: string[] = [];
    let bothAccept = 0;
    // The generated instances, random mutants of them, and each changed at one place after another.
    for (const candidate of accepted.flatMap((x) => [...candidatesFrom(x)])) {
      const registry = publicContracts.validate(candidate);
      const published = validate(candidate);
      if (registry.ok && published) bothAccept++;
      else if (registry.ok) registryOnly.push(`${JSON.stringify(validate.errors?.[0])} ${brief(candidate)}`);
      else if (published && !refusedByDeclaredRule(schema, candidate, registry.message))
        schemaOnly.push(`${registry.message} ${brief(candidate)}`);
    }
    expect(schemaOnly.slice(0, 3)).toEqual([]);
    expect(registryOnly.slice(0, 3)).toEqual([]);
    // Neither direction may pass by testing nothing: the registry took some instances, and some mutants both took.
    expect(accepted.filter((x) => publicContracts.validate(x).ok).length).toBeGreaterThan(0);
    expect(bothAccept).toBeGreaterThan(accepted.length);
  });
});
