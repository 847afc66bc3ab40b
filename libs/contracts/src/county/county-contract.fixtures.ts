// The county inbound contracts' specs share these: demo data shaped like the seed documents —
// 松岭旗 (910425) under 青山市 (9104), 白桦镇 (910425101), 红石村 (910425101201) — and a county
// system's whole envelope, checked the way a consumer checks it: through the public registry.
import { randomUUID } from 'node:crypto';
import { demoOrgId } from '@vanguard/infra-config';
import type { AnyEventContract } from '../contract';
import { publicContracts } from '../public-contracts';

export const COUNTY = demoOrgId('910425');
export const BAIHUA = demoOrgId('910425101');
export const HONGSHI = demoOrgId('910425101201');
export const MEMBER = 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f601';
export const CADRE = 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f602';
export const PLEDGE = 'c0ffee00-1d2b-4c3d-9e4f-50617283a4b5';
export const DEED = 'd33d0000-7a8b-4c9d-8e0f-1a2b3c4d5e6f';

/** A county system's envelope for `contract`, on the stream of `subjectId`. */
export function envelope(contract: AnyEventContract, subjectId: string, data: unknown, overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    type: contract.type,
    version: contract.version,
    streamId: `${contract.stream}-${subjectId}`,
    streamVersion: 3,
    occurredAt: '2011-06-20T02:30:00.000Z',
    recordedAt: '2011-06-20T02:30:01.250Z',
    actor: { sub: 'service-account-county-songling', roles: ['county_system'], orgId: COUNTY, kind: 'service' },
    orgId: HONGSHI,
    correlationId: randomUUID(),
    causationId: null,
    data,
    ...overrides,
  };
}

export const sut = publicContracts;

/** The consumer's verdict on `data`: `ok`, or the registry's message naming the failing fields. */
export function verdict(contract: AnyEventContract, subjectId: string, data: unknown): string {
  const r = sut.validate(envelope(contract, subjectId, data));
  return r.ok ? 'ok' : `${r.reason} ${r.message}`;
}
