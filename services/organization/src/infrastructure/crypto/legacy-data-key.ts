import { createDecipheriv, createHash } from 'node:crypto';
import type { Sql } from '@vanguard/keys';

/**
 * The key Vanguard used before envelope encryption when ORGANIZATION_PII_KEY was unset:
 * derived from a constant string, so every such deployment shares it. Adopted only to keep
 * the values it sealed readable, and only once a stored value proves it was the one used.
 */
export const LEGACY_DEFAULT_KEY = createHash('sha256').update('vanguard-dev-organization-pii-key').digest();

/** Members hold values sealed before key wrapping and no key this service was given opens them. */
export class LegacyDataKeyError extends Error {
  override readonly name = 'LegacyDataKeyError';
}

/** Whether `sealed` (a `v1.` value: no key id, no associated data) opens under `key`. */
function opens(sealed: string, key: Buffer): boolean {
  const [, iv, tag, body] = sealed.split('.');
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64url'));
    d.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    Buffer.concat([d.update(Buffer.from(body ?? '', 'base64url')), d.final()]);
    return true;
  } catch {
    return false;
  }
}

function configuredKey(env: NodeJS.ProcessEnv): Buffer | null {
  const raw = env['ORGANIZATION_PII_KEY'];
  if (!raw) return null;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new LegacyDataKeyError('ORGANIZATION_PII_KEY must be 32 bytes, base64-encoded');
  return key;
}

/**
 * The pre-envelope key to adopt as the first data key, decided once, while the key table is
 * still empty: when members hold `v1.` values (sealed before key ids), the first of
 * ORGANIZATION_PII_KEY and the old built-in default that opens a sample of them; when none
 * does, the service refuses to start rather than make fresh keys under which every stored
 * value fails and every stored blind index stops matching. With no `v1.` values there is
 * nothing to keep readable: fresh random keys (null).
 */
export async function legacyDataKey(sql: Sql, env: NodeJS.ProcessEnv = process.env, table = 'data_keys'): Promise<Buffer | null> {
  const configured = configuredKey(env);
  const [keys] = await sql<{ present: boolean }>(`select exists (select 1 from ${table}) as present`);
  if (keys?.present) return null;
  const samples = await sql<{ v: string }>(
    `select case when id_number_enc like 'v1.%' then id_number_enc else phone_enc end as v
       from members where id_number_enc like 'v1.%' or phone_enc like 'v1.%' limit 3`,
  );
  if (!samples.length) return null;
  for (const key of [configured, LEGACY_DEFAULT_KEY]) if (key && samples.every((s) => opens(s.v, key))) return key;
  throw new LegacyDataKeyError(
    'Members hold personal values sealed before key wrapping that neither ORGANIZATION_PII_KEY nor the old built-in default key opens: set ORGANIZATION_PII_KEY to the base64 key they were sealed with and start again.',
  );
}
