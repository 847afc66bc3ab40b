import { createHash } from 'node:crypto';

/**
 * A statement prepared once per connection under its name, for the ones a service runs at every
 * command or batch: unnamed, Postgres parses and plans it at every run, which can cost as much as
 * running it. The name follows the text, so two texts never share one.
 */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

export function namedStatement(prefix: string, text: string): NamedStatement {
  const name = `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  // Postgres keeps 63 bytes of a name: two longer ones could become one there and not here.
  if (Buffer.byteLength(name) > 63) throw new RangeError(`statement name ${name} is longer than Postgres keeps (63 bytes)`);
  return { name, text };
}
