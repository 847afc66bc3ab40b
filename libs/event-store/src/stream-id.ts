import { InvalidStreamIdError } from './errors';

const CATEGORY = /^[a-z][a-zA-Z0-9_.]*$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/;
const MAX_LENGTH = 200;

export interface StreamName {
  readonly category: string;
  readonly id: string;
}

/** Stream ids are `<category>-<id>`: the category has no `-`, the id may (uuids do). */
export function parseStreamId(streamId: string): StreamName {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new InvalidStreamIdError(String(streamId), 'empty');
  if (streamId.length > MAX_LENGTH) throw new InvalidStreamIdError(streamId, `longer than ${MAX_LENGTH} characters`);
  const dash = streamId.indexOf('-');
  if (dash <= 0) throw new InvalidStreamIdError(streamId, 'expected <category>-<id>');
  const category = streamId.slice(0, dash);
  const id = streamId.slice(dash + 1);
  if (!CATEGORY.test(category)) throw new InvalidStreamIdError(streamId, `category ${JSON.stringify(category)} must match ${CATEGORY}`);
  if (!ID.test(id)) throw new InvalidStreamIdError(streamId, `id ${JSON.stringify(id)} must match ${ID}`);
  return { category, id };
}

export function streamId(category: string, id: string): string {
  const s = `${category}-${id}`;
  parseStreamId(s);
  return s;
}
