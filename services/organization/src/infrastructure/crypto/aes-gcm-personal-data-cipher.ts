import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';

/** Development key only: production sets ORGANIZATION_PII_KEY (32 bytes, base64). */
const DEV_KEY = createHash('sha256').update('vanguard-dev-organization-pii-key').digest();

export function personalDataKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  const raw = env['ORGANIZATION_PII_KEY'];
  if (!raw) return DEV_KEY;
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new Error('ORGANIZATION_PII_KEY must be 32 bytes, base64-encoded');
  return key;
}

/**
 * AES-256-GCM with a random 96-bit IV per value: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 * The blind index is an HMAC-SHA256 under a key derived from the same secret, so equal
 * ID numbers can be found (duplicates, imports) without storing them in clear.
 */
export class AesGcmPersonalDataCipher implements PersonalDataCipher {
  private readonly indexKey: Buffer;

  constructor(private readonly key: Buffer = personalDataKeyFromEnv()) {
    if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
    this.indexKey = createHmac('sha256', key).update('blind-index').digest();
  }

  encrypt(clear: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed personal value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }

  blindIndex(clear: string): string {
    return createHmac('sha256', this.indexKey).update(clear).digest('base64url');
  }
}
