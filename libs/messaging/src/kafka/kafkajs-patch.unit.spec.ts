/**
 * patches/kafkajs+2.2.4.patch rewrites five of kafkajs's hot functions for speed (ADR 0136). Each
 * is held here to an independent implementation written from Kafka's protocol, not to its own
 * code, over random inputs, and to published test vectors where they exist. A broker would reject
 * a wrong checksum or a malformed record, but a wrong partition hash or header would pass silently.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { seededRandom } from '@vanguard/testing';

type Encoded = { buffer: Buffer };
type Headers = Record<string, string | Buffer | (string | Buffer)[]>;
type RecordInput = {
  offsetDelta: number;
  timestampDelta: number;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers: Headers;
};
type Decoded = { timestamp: string; offset: string; key: Buffer | null; value: Buffer | null; headers: Record<string, unknown> };

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's protocol internals have no typings */
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C') as (b: Buffer) => number;
const murmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (k: string | Buffer) => number;
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (r: RecordInput) => Encoded;
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder') as (d: unknown, ctx: object) => Decoded;
const Encoder = require('kafkajs/src/protocol/encoder') as new () => {
  writeVarInt(v: number): unknown;
  writeUVarInt(v: number): unknown;
  writeVarLong(v: number): unknown;
  buffer: Buffer;
};
const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => { readVarInt(): number };
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = join(__dirname, '../../../..');
const PATCH = join(ROOT, 'patches/kafkajs+2.2.4.patch');

// --- independent references, from the protocol's definitions ---

/** CRC-32C bit by bit (reflected polynomial 0x82F63B78), as RFC 3720 defines it. */
function crc32cReference(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Kafka's Java murmur2 (Utils.murmur2) in BigInt, every product masked to 32 bits. */
function murmur2Reference(data: Buffer): number {
  const mask = 0xffffffffn;
  const m = 0x5bd1e995n;
  const mul = (a: bigint, b: bigint) => (a * b) & mask;
  let h = (0x9747b28cn ^ BigInt(data.length)) & mask;
  const whole = data.length - (data.length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = BigInt(data.readUInt32LE(i));
    k = mul(k, m);
    k ^= k >> 24n;
    k = mul(k, m);
    h = mul(h, m) ^ k;
  }
  const rest = data.length % 4;
  if (rest >= 3) h ^= BigInt(data[whole + 2]!) << 16n;
  if (rest >= 2) h ^= BigInt(data[whole + 1]!) << 8n;
  if (rest >= 1) h = mul(h ^ BigInt(data[whole]!), m);
  h ^= h >> 13n;
  h = mul(h, m);
  h ^= h >> 15n;
  return Number(BigInt.asIntN(32, h));
}

/** Zigzag then LEB128, the record format's varint and varlong, in BigInt. */
function varint(value: number | bigint): Buffer {
  const v = BigInt(value);
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return Buffer.from(out);
}

const bytes = (v: string | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8'));
/** Hex, so that thousands of large comparisons stay fast; null stays null. */
const hex = (v: string | Buffer | null) => (v === null ? null : bytes(v).toString('hex'));
const field = (v: string | Buffer | null) => (v === null ? varint(-1) : Buffer.concat([varint(bytes(v).length), bytes(v)]));

/** A record as Kafka's message format v2 lays it out (KIP-82 headers; an array value repeats its key). */
function recordReference(r: RecordInput): Buffer {
  const headers = Object.entries(r.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x] as const) : [[k, v] as const]));
  const body = Buffer.concat([
    Buffer.from([0]),
    varint(r.timestampDelta),
    varint(r.offsetDelta),
    field(r.key),
    field(r.value),
    varint(headers.length),
    ...headers.flatMap(([k, v]) => [field(k), field(v)]),
  ]);
  return Buffer.concat([varint(body.length), body]);
}

// --- random inputs ---

const random = seededRandom(2136);
const below = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[below(xs.length)]!;
const POOL = Buffer.from(Array.from({ length: 8_192 }, () => below(256)));
/** n random bytes: a slice of a random pool at a random place (seeding each byte made the test slow). */
const randomBytes = (n: number) => {
  const at = below(POOL.length - n + 1);
  return Buffer.from(POOL.subarray(at, at + n));
};
const text = () => pick(['', 'a', '党员', 'vg-type', '中共松岭旗委员会组织部', 'x'.repeat(below(2_000)), '\u{1F600}e\u0301']);
const payload = (): string | Buffer | null => pick([null, text(), randomBytes(below(3_000)), Buffer.alloc(0), `${below(1e9)}`]);
const INTS = [0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 20, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31)];
const LONGS = [...INTS, 2 ** 31, 2 ** 40 + 7, -(2 ** 40), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1_764_950_400_000];

describe('kafkajs as patched (patches/kafkajs+2.2.4.patch)', () => {
  it('is installed exactly as patched: the patch taken back applies cleanly to node_modules', () => {
    // Throws, failing the test, when node_modules/kafkajs is unpatched or patched with another version of the patch.
    expect(() => execFileSync('git', ['apply', '--reverse', '--check', PATCH], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });

  it('computes CRC-32C: the RFC 3720 vectors, and the bitwise definition over random and unaligned slices', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32C(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32C(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32C(Buffer.alloc(0))).toBe(0);
    for (let i = 0; i < 2_000; i++) {
      const whole = randomBytes(below(300) + 16);
      const start = below(16);
      const slice = whole.subarray(start, start + below(whole.length - start + 1));
      expect(crc32C(slice)).toBe(crc32cReference(slice));
    }
  });

  it("hashes keys as Kafka's Java client does: its published vectors, and a BigInt port over random keys", () => {
    // Kafka's UtilsTest.testMurmur2.
    const java: [string | Buffer, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      [Buffer.from('abc'), 479470107],
    ];
    for (const [key, hash] of java) expect(murmur2(key)).toBe(hash);
    for (let i = 0; i < 5_000; i++) {
      const key = i % 2 ? randomBytes(below(70)) : `roster-member-${below(1e9)}-${text()}`;
      expect(murmur2(key)).toBe(murmur2Reference(bytes(key)));
    }
  });

  it('refuses a varlong that is not an integer, as kafkajs always did', () => {
    for (const v of [1.5, -0.25, 2 ** 30 - 0.5]) expect(() => new Encoder().writeVarLong(v)).toThrow(RangeError);
  });

  it('writes varints and varlongs as zigzag LEB128, at the 32-bit edges and beyond', () => {
    const values = [...LONGS, ...Array.from({ length: 3_000 }, () => Math.round((random() - 0.5) * 2 ** (1 + below(53))))];
    for (const v of values) {
      const e = new Encoder();
      e.writeVarLong(v);
      expect(e.buffer).toEqual(varint(v));
      if (v < -(2 ** 31) || v >= 2 ** 31) continue;
      const i = new Encoder();
      i.writeVarInt(v);
      i.writeUVarInt(v >>> 0);
      expect(i.buffer).toEqual(Buffer.concat([varint(v), leb128(v >>> 0)]));
    }
  });

  it('grows its buffer as varints fill it: one encoder for thousands of values', () => {
    const values = Array.from({ length: 2_000 }, () => pick(LONGS.filter((v) => v >= -(2 ** 31) && v < 2 ** 31)));
    const e = new Encoder();
    for (const v of values) {
      e.writeVarInt(v);
      e.writeUVarInt(v >>> 0);
      e.writeVarLong(v);
    }
    expect(hex(e.buffer)).toBe(hex(Buffer.concat(values.flatMap((v) => [varint(v), leb128(v >>> 0), varint(v)]))));
  });

  it('encodes records byte for byte as the format lays them out, and decodes them back', () => {
    for (let i = 0; i < 2_000; i++) {
      const headers: Headers = {};
      for (let h = below(12); h > 0; h--)
        headers[pick(['vg-type', 'vg-event-id', 'authorization', `h${below(5)}`, '党'])] = below(4)
          ? (payload() ?? '')
          : Array.from({ length: 1 + below(5) }, () => (below(2) ? text() : randomBytes(below(40))));
      const record: RecordInput = {
        offsetDelta: pick([0, below(500), 2 ** 31 - 1]),
        timestampDelta: pick(LONGS),
        key: payload(),
        value: payload(),
        headers,
      };
      const encoded = encodeRecord(record).buffer;
      expect(hex(encoded)).toBe(hex(recordReference(record)));

      const d = new Decoder(encoded);
      d.readVarInt();
      const decoded = decodeRecord(d, { firstOffset: '40', firstTimestamp: '1764950400000', magicByte: 2 });
      expect(decoded.offset).toBe(String(40 + record.offsetDelta));
      expect(decoded.timestamp).toBe(String(BigInt(1764950400000) + BigInt(record.timestampDelta)));
      expect(hex(decoded.key)).toBe(hex(record.key));
      expect(hex(decoded.value)).toBe(hex(record.value));
      expect(
        Object.fromEntries(Object.entries(decoded.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(hex) : hex(v as Buffer)])),
      ).toEqual(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? repeated(v.map(hex)) : hex(v)])));
    }
  });

  it("decodes a header named after an object's own members as a plain header, and a repeated one as an array", () => {
    const headers = Object.defineProperty({ constructor: 'c', toString: ['t1', 't2'], ok: 'o' }, '__proto__', {
      value: 'p',
      enumerable: true,
    });
    const d = new Decoder(encodeRecord({ offsetDelta: 0, timestampDelta: 0, key: null, value: 'v', headers }).buffer);
    d.readVarInt();
    const decoded = decodeRecord(d, { firstOffset: '0', firstTimestamp: '0', magicByte: 2 }).headers;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(decoded).sort()).toEqual(['__proto__', 'constructor', 'ok', 'toString']);
    expect(Object.getOwnPropertyDescriptor(decoded, 'constructor')?.value).toEqual(Buffer.from('c'));
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual(Buffer.from('p'));
    expect(Object.getOwnPropertyDescriptor(decoded, 'toString')?.value).toEqual([Buffer.from('t1'), Buffer.from('t2')]);
  });
});

/** A header's values as decoded: one value alone, two or more as an array in their order. */
const repeated = (values: (string | null)[]) => (values.length === 1 ? values[0] : values);

/** Unsigned LEB128 of a 32-bit value (writeUVarInt has no zigzag). */
function leb128(v: number): Buffer {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}
