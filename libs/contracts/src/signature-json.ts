import type { EventEnvelope } from './envelope';

/**
 * The canonical JSON every event signature is made over (ADR 0059), here beside the envelope it
 * signs so that readers of the published language (the county gate's digest among them) need not
 * load libs/auth for it: keys sorted by UTF-16 code
 * units, properties whose value is undefined left out, undefined in an array written as null.
 *
 * Every signature ever made must keep verifying, so this text may never change by one byte
 * (signature-json.unit.spec.ts holds the first implementation and compares on random values,
 * odd ones included: a Date is written as `{}`, a function in an array as an empty element and
 * in an object as `undefined`, a hole in an array as an empty element). It is written for speed
 * (ADR 0068): every consumer builds it once per record, and the first implementation's
 * entries/filter/sort/map/join cost about a tenth of a verification.
 */
export function signatureJson(value: unknown): string {
  return write(value) as string;
}

function write(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      // A hole was skipped by the first implementation's map and joined as an empty element.
      if (v === undefined) out += i in value ? 'null' : '';
      else out += write(v) ?? '';
    }
    return out + ']';
  }
  // Default sort compares UTF-16 code units, the order `<` gives strings.
  const keys = Object.keys(value).sort();
  const record = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(k)}:${write(v)}`;
    first = false;
  }
  return out + '}';
}

/**
 * The signing input's text: {@link signatureJson} of the signed fields, with the known top-level
 * keys written in their sorted order rather than sorted for each record.
 */
export function eventSigningText(e: EventEnvelope): string {
  let out = '{';
  const field = (name: string, v: unknown) => {
    if (v === undefined) return;
    out += `${out.length > 1 ? ',' : ''}"${name}":${write(v)}`;
  };
  // Sorted: data, eventId, occurredAt, orgId, streamId, streamVersion, type, version.
  field('data', e.data);
  field('eventId', e.eventId);
  field('occurredAt', e.occurredAt);
  field('orgId', e.orgId);
  field('streamId', e.streamId);
  field('streamVersion', e.streamVersion);
  field('type', e.type);
  field('version', e.version);
  return out + '}';
}
