import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(16 * 512);
let poolOffset = pool.length;
let lastMs = 0;
let counter = 0;

/**
 * RFC 9562 version-7 uuid: 48-bit Unix milliseconds, a 12-bit counter that keeps ids from
 * one process strictly increasing, then random bits. Time-ordered ids land at the right
 * edge of btree indexes instead of on random pages, which makes bulk inserts (outbox rows,
 * imported members) several times cheaper than with random v4 ids.
 */
export function uuidv7(now: number = Date.now()): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const b = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  let ms = now;
  if (ms <= lastMs) {
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    counter = 0;
  }
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | ((counter >> 8) & 0x0f);
  b[7] = counter & 0xff;
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
