import { ConfigError } from './env';

/** Variables whose values are or hold secrets: passwords, keys, and the database URLs (they carry the password). */
const SECRET_BEARING = /PASSWORD|SECRET|TOKEN|KEK|_KEYS?$|_KEY_|DATABASE_URL$/;

/**
 * `text` with every secret it might quote blanked: the value of each secret-bearing variable of
 * `env`, and the password of any URL written in it. An error from a driver or a parser quotes
 * what it was given, and a start-up failure lands in logs.
 */
export function withoutSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  const secrets = Object.entries(env)
    .filter(([name, value]) => SECRET_BEARING.test(name) && value !== undefined && value.length >= 4)
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join('***');
  return out.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@]*@/gi, '$1***@');
}

/**
 * Runs a service's bootstrap; if it fails, prints why without secrets and exits: 78 (EX_CONFIG)
 * for a setting it cannot start with, 1 for anything else. An unhandled rejection instead
 * printed the whole error object — a URL parser's includes its input, the database password
 * with it — and left the exit status to Node's flags.
 */
export function startService(service: string, bootstrap: () => Promise<void>, env: NodeJS.ProcessEnv = process.env): void {
  bootstrap().catch((e: unknown) => {
    const config = e instanceof ConfigError;
    const text = e instanceof Error ? (config ? e.message : (e.stack ?? e.message)) : String(e);
    process.stderr.write(`[${service}] failed to start: ${withoutSecrets(text, env)}\n`);
    process.exit(config ? 78 : 1);
  });
}
