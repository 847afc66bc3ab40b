import type { MapLeafProof, StreamProof } from '../map/stream-map';
import { decodeHashBase64 } from '../tree/hashing';
import { BundleError } from './bundle-error';
import type { ConsistencyFile, InclusionFile } from './bundle-layout';

/** Shape checks for the bundle's JSON entries: a wrong shape is JSON_INVALID, never a crash. */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isHash = (v: unknown): v is string => typeof v === 'string' && decodeHashBase64(v) !== undefined;
const isPath = (v: unknown): v is string[] => Array.isArray(v) && v.every(isHash);
const keysAre = (o: Obj, ...keys: string[]): boolean => Object.keys(o).length === keys.length && keys.every((k) => k in o);

function shape<T>(ok: boolean, value: unknown, entry: string, what: string): T {
  if (!ok) throw new BundleError('JSON_INVALID', `not ${what}`, entry);
  return value as T;
}

function isLeafProof(v: unknown): v is MapLeafProof {
  if (!isObj(v) || !keysAre(v, 'entry', 'index', 'path') || !isIndex(v['index']) || !isPath(v['path'])) return false;
  const e = v['entry'];
  return (
    isObj(e) &&
    keysAre(e, 'head', 'stream', 'version') &&
    typeof e['stream'] === 'string' &&
    Number.isSafeInteger(e['version']) &&
    (e['version'] as number) >= 1 &&
    typeof e['head'] === 'string' &&
    /^[0-9a-f]{64}$/.test(e['head'])
  );
}

function isStreamProof(v: unknown): v is StreamProof {
  if (!isObj(v)) return false;
  if (v['kind'] === 'present') return keysAre(v, 'kind', 'leaf') && isLeafProof(v['leaf']);
  if (v['kind'] !== 'absent') return false;
  const extra = Object.keys(v).filter((k) => !['kind', 'left', 'right'].includes(k));
  return extra.length === 0 && (v['left'] === undefined || isLeafProof(v['left'])) && (v['right'] === undefined || isLeafProof(v['right']));
}

export function asStreamFile(v: unknown, entry: string): { stream: string; proof: StreamProof } {
  const ok = isObj(v) && keysAre(v, 'proof', 'stream') && typeof v['stream'] === 'string' && isStreamProof(v['proof']);
  return shape(ok, v, entry, 'a stream file {proof, stream}');
}

export function asConsistencyFile(v: unknown, entry: string): ConsistencyFile {
  const ok = isObj(v) && keysAre(v, 'from', 'proof', 'to') && isIndex(v['from']) && isIndex(v['to']) && isPath(v['proof']);
  return shape(ok, v, entry, 'a consistency file {from, proof, to}');
}

export function asInclusionFile(v: unknown, entry: string): InclusionFile {
  const ok =
    isObj(v) &&
    keysAre(v, 'events') &&
    Array.isArray(v['events']) &&
    v['events'].every((e) => isObj(e) && keysAre(e, 'leaf', 'path') && isIndex(e['leaf']) && isPath(e['path']));
  return shape(ok, v, entry, 'an inclusion file {events: [{leaf, path}]}');
}
