import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { FIRST_DATA_KEY_ID, kekRingFromEnv, loadDataKeys, type DataKeys, type KekRing, type Sql } from '@vanguard/keys';
import type { PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';

/**
 * The data key of Vanguard before envelope encryption, derived from a constant string and
 * so shared by every copy: adopted (wrapped) as the first data key of a development
 * database only, so data seeded before keeps reading. Production never adopts it.
 */
const LEGACY_DEV_KEY = createHash('sha256').update('vanguard-dev-organization-pii-key').digest();

/**
 * The pre-envelope key to adopt as the first data key when the key table is empty:
 * ORGANIZATION_PII_KEY (a deployment from before key wrapping), else the development key
 * when the KEK is the development one, else none (fresh random keys).
 */
export function legacyDataKey(ring: KekRing, env: NodeJS.ProcessEnv = process.env): Buffer | null {
  const raw = env['ORGANIZATION_PII_KEY'];
  if (raw) {
    const key = Buffer.from(raw, 'base64');
    if (key.length !== 32) throw new Error('ORGANIZATION_PII_KEY must be 32 bytes, base64-encoded');
    return key;
  }
  return ring.development ? LEGACY_DEV_KEY : null;
}

/** The keys a cipher built without a database uses (tests, scripts): the development ones, as a development database adopts them. */
function developmentKeys(): DataKeys {
  const active = { id: FIRST_DATA_KEY_ID, key: LEGACY_DEV_KEY };
  return {
    active,
    byId: new Map([[active.id, active]]),
    index: { id: 'i0', key: createHmac('sha256', LEGACY_DEV_KEY).update('blind-index').digest() },
  };
}

/** How often a running service reads its data keys again; `keys:rotate` stages a new key for longer than this. */
export const CIPHER_REFRESH_MS = 15_000;

export interface CipherLoadOptions {
  readonly ring?: KekRing;
  readonly table?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * AES-256-GCM with a random 96-bit IV per value, under the service's data keys (wrapped in
 * `data_keys` under the operator's KEK): `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url),
 * the key id authenticated. `v1.<iv>.<tag>.<ciphertext>` values, from before key ids, are
 * under the first data key. The blind index is an HMAC-SHA256 under the index key, which a
 * rotation re-wraps but never replaces, so equal ID numbers keep matching across rotations.
 */
export class AesGcmPersonalDataCipher implements PersonalDataCipher {
  private timer: NodeJS.Timeout | null = null;
  private reload: (() => Promise<DataKeys>) | null = null;

  constructor(private keys: DataKeys = developmentKeys()) {
    for (const k of [...keys.byId.values(), keys.index]) if (k.key.length !== 32) throw new Error('AES-256-GCM needs 32-byte keys');
  }

  /**
   * Unwraps the data keys from `data_keys` (making the first ones on a new database) and,
   * with `refreshMs`, reads them again on that period: a rotation stages a new data key
   * before it activates it, so every instance can read it before any writes with it.
   */
  static async load(sql: Sql, options: CipherLoadOptions & { refreshMs?: number } = {}): Promise<AesGcmPersonalDataCipher> {
    const ring = options.ring ?? kekRingFromEnv(options.env);
    const read = () => loadDataKeys(sql, ring, { table: options.table, legacyKey: legacyDataKey(ring, options.env) });
    const cipher = new AesGcmPersonalDataCipher(await read());
    cipher.reload = read;
    if (options.refreshMs) {
      cipher.timer = setInterval(() => {
        // A failed refresh keeps the keys it has; the next period tries again.
        cipher.refresh().catch(() => undefined);
      }, options.refreshMs);
      cipher.timer.unref();
    }
    return cipher;
  }

  /** Reads the data keys again (a cipher made by `load`). */
  async refresh(): Promise<void> {
    if (this.reload) this.keys = await this.reload();
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
