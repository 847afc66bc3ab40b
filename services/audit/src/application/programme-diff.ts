import type { AuditReader } from './audit-reader';
import { diffFields } from './field-diff';

/**
 * A whole programme between two instants, field by field: the programme, its public notice and
 * every nomination, each keyed by its stream so a change reads `nominations.nomination-<id>.status`
 * (a nomination submitted in between shows as one change from undefined to its state).
 */
export async function programmeDiff(reader: AuditReader, programmeId: string, fromAt: string, toAt: string) {
  const [a, b] = [await reader.programmeAsOf(programmeId, fromAt), await reader.programmeAsOf(programmeId, toAt)];
  const keyed = (p: typeof a) => ({
    programme: p.programme.state,
    notice: p.notice?.state ?? null,
    nominations: Object.fromEntries(p.nominations.map((n) => [n.streamId, n.state])),
  });
  const versions = (p: typeof a) => ({
    programme: p.programme.version,
    notice: p.notice?.version ?? 0,
    nominations: Object.fromEntries(p.nominations.map((n) => [n.streamId, n.version])),
  });
  return {
    programmeId,
    from: { asOf: fromAt, versions: versions(a) },
    to: { asOf: toAt, versions: versions(b) },
    changes: diffFields(keyed(a), keyed(b)),
  };
}
