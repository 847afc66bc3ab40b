import { randomBytes } from 'node:crypto';
import { NoteSigner, NoteVerifier } from './signed-note';

/**
 * The log's signing key. The operator sets `VANGUARD_LOG_SIGNING_KEY` to a C2SP signer key
 * (`PRIVATE+KEY+<origin>+<key id>+<base64>`, from `generateLogKey`) and publishes its verifier
 * key; auditors pin that. Without it the development key is used: derived from a constant in
 * this file, so anyone can sign with it, and production mode refuses it (`logKeyProblems`),
 * as `libs/infra-config/src/production.ts` refuses the development KEK.
 */
export const LOG_SIGNING_KEY_VARIABLE = 'VANGUARD_LOG_SIGNING_KEY';
export const DEVELOPMENT_LOG_ORIGIN = 'vanguard.localhost/audit-log';
const DEVELOPMENT_SEED = Buffer.from('vanguard development transparency log'.slice(0, 32).padEnd(32, '.'), 'utf8');

/** The development signer under `origin` (the key is the same whatever the name). */
export function developmentLogSigner(origin: string = DEVELOPMENT_LOG_ORIGIN): NoteSigner {
  return new NoteSigner(origin, DEVELOPMENT_SEED);
}

const DEVELOPMENT_PUBLIC_KEY = developmentLogSigner().verifier.publicKey;

export function isDevelopmentLogKey(key: NoteVerifier | NoteSigner): boolean {
  const verifier = key instanceof NoteSigner ? key.verifier : key;
  return verifier.publicKey.equals(DEVELOPMENT_PUBLIC_KEY);
}

/** From `VANGUARD_LOG_SIGNING_KEY`, else the development key under `origin`. */
export function logSignerFromEnv(env: NodeJS.ProcessEnv = process.env, origin: string = DEVELOPMENT_LOG_ORIGIN): NoteSigner {
  const text = env[LOG_SIGNING_KEY_VARIABLE]?.trim();
  return text ? NoteSigner.parse(text) : developmentLogSigner(origin);
}

/** A new operator key pair for the log named `origin`: keep `skey` secret, publish `vkey`. */
export function generateLogKey(origin: string): { skey: string; vkey: string } {
  const signer = new NoteSigner(origin, randomBytes(32));
  return { skey: signer.skey, vkey: signer.verifier.vkey };
}

/**
 * Production mode's look at the log key, in the shape of infra-config's `ProductionCheck`
 * (one sentence per problem; pass it to `refuseUnsafeProductionStart`). Only the service that
 * signs checkpoints (audit) needs the key.
 */
export function logKeyProblems(env: NodeJS.ProcessEnv, service: string): string[] {
  if (service !== 'audit') return [];
  const text = env[LOG_SIGNING_KEY_VARIABLE]?.trim();
  if (!text)
    return [
      `${LOG_SIGNING_KEY_VARIABLE} is not set: checkpoints would be signed with the development key, which is public in the source, so they would prove nothing; generate an operator key (generateLogKey) and publish its verifier key.`,
    ];
  try {
    if (isDevelopmentLogKey(NoteSigner.parse(text)))
      return [
        `${LOG_SIGNING_KEY_VARIABLE} holds the development key, which is public in the source: anyone could sign checkpoints; generate a key of your own.`,
      ];
  } catch (e) {
    return [`${LOG_SIGNING_KEY_VARIABLE} cannot be read: ${(e as Error).message}.`];
  }
  return [];
}
