import { randomBytes } from 'node:crypto';
import { sha256 } from '../tree/hashing';
import { CosignatureSigner, CosignatureVerifier } from './cosignature';

/**
 * Witness keys (ADR 0041). A county's witness signs with `VANGUARD_WITNESS_KEY` (a cosignature
 * signer key from `generateWitnessKey`); the audit service trusts the verifier keys listed in
 * `VANGUARD_WITNESS_KEYS` and calls a checkpoint witnessed once `VANGUARD_WITNESS_QUORUM` of them
 * cosigned it. Without them the development witnesses are used: their seeds derive from a
 * constant in this file, as the development log key's do, so anyone can sign with them and
 * production mode refuses them (`witnessKeyProblems`).
 */
export const WITNESS_KEY_VARIABLE = 'VANGUARD_WITNESS_KEY';
export const WITNESS_KEYS_VARIABLE = 'VANGUARD_WITNESS_KEYS';
export const WITNESS_QUORUM_VARIABLE = 'VANGUARD_WITNESS_QUORUM';

/** The development witnesses: the two demo counties' Keycloak clients and a third, so 2-of-3 can lose one. */
export const DEVELOPMENT_WITNESSES = ['county-songling', 'county-hekou', 'county-third'] as const;
export const DEVELOPMENT_WITNESS_QUORUM = 2;

// Hashed, not padded to 32 bytes: cut at 32, every client's phrase was the same seed, so one key under three names.
const developmentSeed = (client: string): Buffer => sha256(Buffer.from(`vanguard development witness ${client}`, 'utf8'));
const witnessName = (client: string): string => `witness.vanguard.localhost/${client}`;

export function developmentWitnessSigner(client: string): CosignatureSigner {
  return new CosignatureSigner(witnessName(client), developmentSeed(client));
}

const DEVELOPMENT_PUBLIC_KEYS = DEVELOPMENT_WITNESSES.map((c) => developmentWitnessSigner(c).verifier.publicKey);

/** True for a development witness key under any name (the seed is what is public). */
export function isDevelopmentWitnessKey(key: CosignatureVerifier | CosignatureSigner): boolean {
  const v = key instanceof CosignatureSigner ? key.verifier : key;
  return DEVELOPMENT_PUBLIC_KEYS.some((k) => k.equals(v.publicKey));
}

/** A county witness's signer: `VANGUARD_WITNESS_KEY`, else the development key of `client`. */
export function witnessSignerFromEnv(env: NodeJS.ProcessEnv, client: string): CosignatureSigner {
  const text = env[WITNESS_KEY_VARIABLE]?.trim();
  return text ? CosignatureSigner.parse(text) : developmentWitnessSigner(client);
}

export interface WitnessPolicy {
  readonly witnesses: readonly CosignatureVerifier[];
  /** Cosignatures of distinct configured witnesses a checkpoint needs to count as witnessed. */
  readonly quorum: number;
}

/** The audit service's k-of-n policy: the listed verifier keys (space or comma separated) and the quorum. */
export function witnessPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): WitnessPolicy {
  const listed = env[WITNESS_KEYS_VARIABLE]?.trim();
  const witnesses = listed
    ? listed.split(/[\s,]+/).map((k) => CosignatureVerifier.parse(k))
    : DEVELOPMENT_WITNESSES.map((c) => developmentWitnessSigner(c).verifier);
  const quorumText = env[WITNESS_QUORUM_VARIABLE]?.trim();
  const quorum = quorumText ? Number(quorumText) : listed ? Math.floor(witnesses.length / 2) + 1 : DEVELOPMENT_WITNESS_QUORUM;
  if (!Number.isSafeInteger(quorum) || quorum < 1 || quorum > witnesses.length)
    throw new RangeError(`${WITNESS_QUORUM_VARIABLE} must be between 1 and the ${witnesses.length} witnesses`);
  if (new Set(witnesses.map((w) => w.name)).size !== witnesses.length) throw new RangeError('two witness keys share a name');
  // Quorum counts witnesses by key: one key under two names would be one county counted twice.
  for (const [i, w] of witnesses.entries()) {
    const twin = witnesses.slice(i + 1).find((o) => o.publicKey.equals(w.publicKey));
    if (twin) throw new RangeError(`${WITNESS_KEYS_VARIABLE} lists one public key under two names, ${w.name} and ${twin.name}`);
  }
  return { witnesses, quorum };
}

/** A new witness key pair: the county keeps `skey`, the province configures `vkey`. */
export function generateWitnessKey(name: string): { skey: string; vkey: string } {
  const signer = new CosignatureSigner(name, randomBytes(32));
  return { skey: signer.skey, vkey: signer.verifier.vkey };
}

/**
 * Production mode's look at witness keys, in infra-config's `ProductionCheck` shape: the audit
 * service must list real witness keys (a development key is public, so its cosignature proves
 * nothing), and a county witness (`service` = 'county-witness') must sign with its own key.
 */
export function witnessKeyProblems(env: NodeJS.ProcessEnv, service: string): string[] {
  try {
    if (service === 'audit') {
      if (!env[WITNESS_KEYS_VARIABLE]?.trim())
        return [
          `${WITNESS_KEYS_VARIABLE} is not set: the development witnesses' keys are public in the source, so their cosignatures would prove nothing; configure each county's witness vkey.`,
        ];
      const policy = witnessPolicyFromEnv(env);
      const dev = policy.witnesses.filter(isDevelopmentWitnessKey).map((w) => w.name);
      return dev.length ? [`${WITNESS_KEYS_VARIABLE} lists development witness keys (${dev.join(', ')}), which anyone can sign with.`] : [];
    }
    if (service === 'county-witness') {
      const text = env[WITNESS_KEY_VARIABLE]?.trim();
      if (!text)
        return [`${WITNESS_KEY_VARIABLE} is not set: the witness would cosign with a development key that is public in the source.`];
      if (isDevelopmentWitnessKey(CosignatureSigner.parse(text)))
        return [`${WITNESS_KEY_VARIABLE} holds a development witness key; generate one of your own.`];
    }
  } catch (e) {
    return [`witness keys cannot be read: ${(e as Error).message}.`];
  }
  return [];
}
