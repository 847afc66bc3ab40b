import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { FIRST_DATA_KEY_ID, kekRingFromEnv, loadDataKeys, type DataKeys, type KekRing, type Sql } from '@vanguard/keys';
import { Counter, type Registry } from 'prom-client';
import type { PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import { legacyDataKey } from './legacy-data-key';

/** How often a running service reads its data keys again; `keys:rotate` stages a new key for longer than this. */
export const CIPHER_REFRESH_MS = 15_000;

export interface CipherLoadOptions {
  readonly ring?: KekRing;
  readonly table?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where the refresh-failure counter is registered (the service's /metrics registry). */
  readonly metrics?: Registry;
}

const REFRESH_FAILURES = 'organization_data_key_refresh_failures_total';

function refreshFailures(registry: Registry | undefined): Counter | null {
  if (!registry) return null;
  const existing = registry.getSingleMetric(REFRESH_FAILURES);
  if (existing) return existing as Counter;
  return new Counter({ name: REFRESH_FAILURES, help: 'Failed reads of the data keys (periodic or on demand)', registers: [registry] });
}

/**
 * AES-256-GCM with a random 96-bit IV per value, under the service's data keys (wrapped in
 * `data_keys` under the operator's KEK): `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url),
 * the key id authenticated. `v1.<iv>.<tag>.<ciphertext>` values, from before key ids, are
 * under the first data key. The blind index is an HMAC-SHA256 under the index key, which a
 * rotation re-wraps but never replaces, so equal ID numbers keep matching across rotations.
 */
export class AesGcmPersonalDataCipher implements PersonalDataCipher {
  private readonly logger = new Logger(AesGcmPersonalDataCipher.name);
  private timer: NodeJS.Timeout | null = null;
  private reload: (() => Promise<DataKeys>) | null = null;
  private reloading: Promise<void> | null = null;
  private failures: Counter | null = null;

  /** The keys are required: a cipher has no key of its own to fall back on (the old public development key was one). */
  constructor(private keys: DataKeys) {
    for (const k of [...keys.byId.values(), keys.index]) if (k.key.length !== 32) throw new Error('AES-256-GCM needs 32-byte keys');
  }

  /**
   * Unwraps the data keys from `data_keys` (making the first ones on a new database) and,
   * with `refreshMs`, reads them again on that period: a rotation stages a new data key
   * before it activates it, so every instance can read it before any writes with it.
   */
  static async load(sql: Sql, options: CipherLoadOptions & { refreshMs?: number } = {}): Promise<AesGcmPersonalDataCipher> {
    const ring = options.ring ?? kekRingFromEnv(options.env);
    // Decided before the first read, while the key table may still be empty: afterwards it never is.
    const legacyKey = await legacyDataKey(sql, options.env, options.table);
    const first = await loadDataKeys(sql, ring, { table: options.table, legacyKey });
    const cipher = new AesGcmPersonalDataCipher(first);
    cipher.reload = () => loadDataKeys(sql, ring, { table: options.table });
    cipher.failures = refreshFailures(options.metrics);
    if (options.refreshMs) {
      cipher.timer = setInterval(() => {
        // A failed refresh keeps the keys it has (logged and counted); the next period, or a value under an unknown key, tries again.
        cipher.refresh().catch(() => undefined);
      }, options.refreshMs);
      cipher.timer.unref();
    }
    return cipher;
  }

  /** Reads the data keys again (a cipher made by `load`); concurrent calls share one read. */
  refresh(): Promise<void> {
    const reload = this.reload;
    if (!reload) return Promise.resolve();
    this.reloading ??= reload()
      .then((keys) => {
        this.keys = keys;
      })
      .catch((err: unknown) => {
        this.failures?.inc();
        this.logger.error(`reading the data keys failed; keeping the ${this.keys.byId.size} loaded: ${(err as Error).message}`);
        throw err;
      })
      .finally(() => {
        this.reloading = null;
      });
    return this.reloading;
  }

  /**
   * Reads the data keys again, once, when one of `sealed` names a key this instance has not
   * loaded: a value written by an instance that refreshed first (or a periodic refresh that
   * failed) is then read rather than answered with an error.
   */
  async ensureKeys(sealed: Iterable<string | null | undefined>): Promise<void> {
    for (const s of sealed) {
      if (!s?.startsWith('v2.')) continue;
      const id = s.split('.', 2)[1]!;
      if (this.keys.byId.has(id)) continue;
      // A failed read is logged and counted by refresh; decrypt then names the missing key.
      await this.refresh().catch(() => undefined);
      return;
    }
  }

  /** Replaces the keys (after a rotation step, in tests and scripts). */
  use(keys: DataKeys): void {
    this.keys = keys;
  }

  get activeKeyId(): string {
    return this.keys.active.id;
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  encrypt(clear: string): string {
    const { id, key } = this.keys.active;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`v2.${id}`, 'utf8'));
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return `v2.${id}.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    const parts = sealed.split('.');
    const [v] = parts;
    if (v === 'v1' && parts.length === 4) return this.open(FIRST_DATA_KEY_ID, null, parts[1]!, parts[2]!, parts[3]!);
    if (v === 'v2' && parts.length === 5) return this.open(parts[1]!, `v2.${parts[1]!}`, parts[2]!, parts[3]!, parts[4]!);
    throw new Error('not a sealed personal value');
  }

  blindIndex(clear: string): string {
    return createHmac('sha256', this.keys.index.key).update(clear).digest('base64url');
  }

  private open(keyId: string, aad: string | null, iv: string, tag: string, body: string): string {
    const k = this.keys.byId.get(keyId);
    if (!k) throw new Error(`personal value under data key ${keyId}, which this instance has not loaded`);
    const decipher = createDecipheriv('aes-256-gcm', k.key, Buffer.from(iv, 'base64url'));
    if (aad !== null) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Runs the key table's statements through a TypeORM DataSource (they are all SELECTs, so it returns rows). */
export function dataSourceSql(ds: { query(text: string, values?: unknown[]): Promise<unknown> }): Sql {
  return <R>(text: string, values?: unknown[]) => ds.query(text, values) as Promise<R[]>;
}
