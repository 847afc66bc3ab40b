/**
 * A setting the process cannot start with. Its message names the setting, one sentence per
 * problem, and never carries the setting's value: a URL or a key may hold a secret, and
 * start-up failures end up in logs that more people read than the secret store.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A command-line argument the script does not take; scripts exit 2 on it, as usage errors do. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A whole number ≥ 0 written in plain digits, else undefined: `abc`, `-5`, `0.0001` and `1e3` are not counts. */
export function parseCount(raw: string): number | undefined {
  return /^\d{1,12}$/.test(raw) ? Number(raw) : undefined;
}

/** A positive integer from the environment, or the fallback; anything else stops the service at start. */
export function positiveIntFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = parseCount(raw);
  if (v === undefined || v === 0) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return v;
}

/** A whole number ≥ 0 from the environment (0 usually means off), or the fallback; anything else stops the service at start. */
export function countFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = parseCount(raw);
  if (v === undefined) throw new ConfigError(`${name} must be a whole number (0: off), got "${raw}"`);
  return v;
}

/** `PORT`, or the service's own: 0 asks for any free port (tests), and an empty PORT is unset, not 0. */
export function portFromEnv(env: NodeJS.ProcessEnv, fallback: number): number {
  const port = countFromEnv(env, 'PORT', fallback);
  if (port > 65_535) throw new ConfigError(`PORT must be at most 65535, got "${port}"`);
  return port;
}
