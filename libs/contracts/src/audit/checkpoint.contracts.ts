import { z } from 'zod';
import { defineContract } from '../contract';
import { AUDIT_CHECKPOINT_TOPIC } from '../topics';

// 审计 (issue 12, ADR 0063): the transparency log's signed checkpoints (ADR 0033), published on a
// topic of their own and kept there for ever, outside the store they vouch for. One stream per
// audited log, `checkpoint-<store>` (`checkpoint-evaluation`, `checkpoint-commendation`), so one
// log's checkpoints stay in order on one partition. `streamVersion` is the tree size: it grows
// with every checkpoint but is not contiguous. No personal data: sizes, hashes and signatures.

/** The base64 of a SHA-256 (44 characters), as a checkpoint's root line holds it. */
const rootHash = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=$/, 'base64 of 32 bytes')
  .describe('the Merkle tree root (RFC 9162), base64 as on the note’s third line');
const origin = z.string().min(1).max(200).describe('the log’s origin line and its signing key’s name, e.g. vanguard.example/evaluation');
const log = z.enum(['evaluation', 'commendation']).describe('the audited event store');
const treeSize = z.number().int().min(0).describe('events in the log at this checkpoint');

export const CheckpointSigned = defineContract({
  context: 'audit',
  name: 'CheckpointSigned',
  version: 1,
  stream: 'checkpoint',
  topic: AUDIT_CHECKPOINT_TOPIC,
  description:
    'The audit service signed and published a checkpoint of a transparency log (on its schedule, after N events, or on demand): ' +
    'the C2SP tlog-checkpoint signed note, exactly as GET /witness/:context/checkpoint serves it. One event per log and size; ' +
    'the same checkpoint published again is the same event (same eventId, same content). occurredAt is when it was published, UTC.',
  schema: z.object({
    log,
    origin,
    treeSize,
    rootHash,
    note: z
      .string()
      .min(1)
      .max(64 * 1024)
      .describe(
        'the signed note (C2SP signed-note, Ed25519 under the log key): verify it with the log’s published vkey. Its body may carry ' +
          'extension lines after the root: `vanguard-streams/v1` (the stream map, ADR 0033) and `vanguard-trail/v1` (the auditors’ trail, ADR 0077)',
      ),
  }),
});

export const CheckpointWitnessed = defineContract({
  context: 'audit',
  name: 'CheckpointWitnessed',
  version: 1,
  stream: 'checkpoint',
  topic: AUDIT_CHECKPOINT_TOPIC,
  description:
    'A published checkpoint gathered the quorum of county witness cosignatures (ADR 0041): the note with the log’s signature and ' +
    'the cosignature lines (C2SP tlog-cosignature), as GET /witness/:context/witnessed serves it. One event per log and size, ' +
    'written when the quorum was first reached; later cosignatures stay on the HTTP route.',
  schema: z.object({
    log,
    origin,
    treeSize,
    rootHash,
    note: z
      .string()
      .min(1)
      .max(64 * 1024)
      .describe('the signed note followed by the witnesses’ cosignature lines'),
    cosignedBy: z.array(z.string().min(1).max(200)).min(1).describe('the witnesses’ key names whose cosignatures are on the note'),
    quorum: z.number().int().min(1).describe('how many cosignatures made it witnessed'),
  }),
});

export const auditContracts = [CheckpointSigned, CheckpointWitnessed] as const;
