import type { OrgEventSigner } from '@vanguard/auth';
import type { ContractRegistry, EventEnvelope } from '@vanguard/contracts';
import type { RelaySource } from '@vanguard/messaging';

/**
 * The organization relay's source with every record signed on the way out (ADR 0010):
 * consumers keep their copy of the organisation tree only from events this service signed.
 * The data signed and published is the contract's view of it, exactly what a consumer's
 * validation hands its handler, so the signature checks there. Everything else of the
 * source passes through untouched.
 */
export function signingRelaySource<C>(source: RelaySource<C>, signer: OrgEventSigner, contracts: ContractRegistry): RelaySource<C> {
  const signOne = (e: EventEnvelope): EventEnvelope => {
    const valid = contracts.validate(e);
    return signer.sign(valid.ok ? { ...e, data: valid.envelope.data } : e);
  };
  const read: RelaySource<C>['read'] = async (after, limit) => {
    const batch = await source.read(after, limit);
    return { ...batch, records: batch.records.map((r) => ({ ...r, envelope: signOne(r.envelope) })) };
  };
  return new Proxy(source, {
    get(target, prop) {
      if (prop === 'read') return read;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
