import type { ContractRegistry, EventEnvelope } from '@vanguard/contracts';
import type { RelaySource } from './relay-source.port';

/**
 * What this library needs of event signatures (ADR 0010, ADR 0059); @vanguard/auth implements
 * them (EventSigner, EventVerifier). Only the shape lives here: auth depends on this library,
 * so this one cannot depend on auth.
 */
export interface EnvelopeSigner {
  /**
   * The context whose key signs (`organization`, …). A verifier accepts a signature only under
   * the key of the event type's own context (`county.MessageOutcome` → `county`), so an event of
   * another context that a producer relays is left unsigned: its signature could never verify.
   */
  readonly context?: string;
  /** The envelope with its signature in `metadata`. */
  sign<E extends EventEnvelope>(envelope: E): E;
  /** The envelopes signed together, one signature for many (ADR 0085), in their order. */
  signBatch?<E extends EventEnvelope>(envelopes: readonly E[]): E[];
}

export type EnvelopeCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface EnvelopeVerifier {
  /** Whether the envelope was signed by its own context's producer. */
  verify(envelope: EventEnvelope): EnvelopeCheck;
}

/**
 * A relay source with every record of the signer's context signed on the way out. With `contracts`, the data signed
 * and published is the contract's view of it, exactly what a consumer's validation hands its
 * handler, so the signature checks there (the event-store source already reads that view).
 * Everything else of the source passes through untouched.
 */
export function signingRelaySource<C>(source: RelaySource<C>, signer: EnvelopeSigner, contracts?: ContractRegistry): RelaySource<C> {
  // The county replies an owning service relays (county.MessageOutcome): no key of its own
  // context vouches for them, and signing them cost the relay a third of its work in a roster sync.
  const ours = (e: EventEnvelope): boolean => signer.context === undefined || e.type.slice(0, e.type.indexOf('.')) === signer.context;
  const signed = (envelopes: EventEnvelope[]): EventEnvelope[] => {
    const out = signer.signBatch ? signer.signBatch(envelopes) : envelopes.map((e) => signer.sign(e));
    // A record left out would go unsigned and be refused by every consumer as forged.
    if (out.length !== envelopes.length) throw new Error(`the signer returned ${out.length} envelopes for ${envelopes.length}`);
    return out;
  };
  const read: RelaySource<C>['read'] = async (after, limit) => {
    const batch = await source.read(after, limit);
    const at = batch.records.flatMap((r, i) => (ours(r.envelope) ? [i] : []));
    const views = at.map((i) => {
      const e = batch.records[i]!.envelope;
      const valid = contracts?.validate(e);
      return valid?.ok ? { ...e, data: valid.envelope.data } : e;
    });
    const records = [...batch.records];
    signed(views).forEach((e, k) => (records[at[k]!] = { ...records[at[k]!]!, envelope: e }));
    return { ...batch, records };
  };
  return new Proxy(source, {
    get(target, prop) {
      if (prop === 'read') return read;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
