import type { ContractRegistry, EventEnvelope } from '@vanguard/contracts';
import type { BatchEnvelopeVerifier, EnvelopeVerifier } from '@vanguard/messaging';

/**
 * Each record's envelope when it is a valid contract event its producer signed (ADR 0059), else
 * undefined (a tombstone, unparsable JSON, a contract violation or a forgery), in the records'
 * order. The batch's signatures are checked at once, off this thread where the verifier can
 * (ADR 0068): a rebuild reads the whole history, and one by one they were most of its work.
 */
export async function signedRecords(
  records: readonly { value: Buffer | null }[],
  contracts: ContractRegistry,
  verifier: EnvelopeVerifier | BatchEnvelopeVerifier,
): Promise<(EventEnvelope | undefined)[]> {
  const valid: { at: number; event: EventEnvelope }[] = [];
  const out = records.map((m, at): EventEnvelope | undefined => {
    if (m.value === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(m.value.toString('utf8'));
    } catch {
      return undefined;
    }
    const v = contracts.validate(parsed);
    if (!v.ok) return undefined;
    valid.push({ at, event: v.envelope });
    return v.envelope;
  });
  const events = valid.map((v) => v.event);
  const checks = 'verifyAll' in verifier ? await verifier.verifyAll(events) : events.map((e) => verifier.verify(e));
  valid.forEach(({ at }, i) => {
    if (!checks[i]!.ok) out[at] = undefined;
  });
  return out;
}
