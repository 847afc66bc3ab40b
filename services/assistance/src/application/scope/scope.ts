import { DomainError } from '@vanguard/kernel';
import type { Pairing } from '../../domain/pairing/pairing';
import type { Village } from '../../domain/shared/village';
import type { Actor } from '../ports/context.port';
import type { PairingRepository } from '../ports/repositories.port';
import type { RosterPort } from '../ports/roster.port';
import type { Tx } from '../ports/unit-of-work.port';

/**
 * An actor acts inside the subtree of the organisation in their token: the village's path
 * (root … village, from the roster copy) must contain it. No org_id, no scope.
 */
export function isWithin(actor: Actor, path: readonly string[]): boolean {
  return !!actor.orgId && path.includes(actor.orgId);
}

/**
 * The organisation `orgId` if it lies within the actor's subtree and the actor's own organisation
 * is still active (a token naming a dissolved or merged one grants nothing); null otherwise.
 * Both are read in one roster question.
 */
export async function organizationInScope(roster: RosterPort, actor: Actor, orgId: string, tx?: Tx): Promise<Village | null> {
  if (!actor.orgId) return null;
  return inScopeAmong(await roster.organizations([orgId, actor.orgId], tx), actor, orgId);
}

/**
 * The organisation under `code` in the actor's subtree, or null: a code unknown and a code of
 * another subtree answer alike. Several in the subtree (a code reused after a dissolution) answer
 * null too: the row must then name its village by id.
 */
export async function organizationInScopeByCode(roster: RosterPort, actor: Actor, code: string, tx?: Tx): Promise<Village | null> {
  if (!actor.orgId) return null;
  const candidates = await roster.organizationsWithCode(code, tx);
  const own = candidates.length ? await roster.organizations([actor.orgId], tx) : [];
  const inScope = candidates.filter((c) => inScopeAmong([c, ...own], actor, c.id));
  return inScope.length === 1 ? inScope[0]! : null;
}

/** The same question answered from roster rows already read (those of `orgId` and of the actor's organisation, as far as known). */
export function inScopeAmong(orgs: readonly Village[], actor: Actor, orgId: string): Village | null {
  if (!actor.orgId) return null;
  const org = orgs.find((o) => o.id === orgId);
  const own = orgs.find((o) => o.id === actor.orgId);
  return org && own?.status === 'active' && isWithin(actor, org.path) ? org : null;
}

/** Not found, and also what an out-of-scope caller hears: a 403 would tell them the thing exists. */
export class NotFoundError extends DomainError {
  constructor(what: 'ORGANIZATION' | 'PAIRING' | 'PROJECT' | 'CADRE' | 'HOUSEHOLD' | 'MOVEMENT' | 'MEMBER', id: string) {
    super(`${what}.NOT_FOUND`, 'not_found', `不存在或不在您的管辖范围内 / ${what.toLowerCase()} ${id} not found`);
  }
}

/** A second record of what is logged once (a deed, a visit, a contact card, a reversal). */
export class AlreadyRecordedError extends DomainError {
  constructor(code: string, message: string) {
    super(code, 'conflict', message);
  }
}

/**
 * The pairing `id` if its organisation lies within the actor's subtree; else the same 404 as no
 * pairing at all. A pairing of another county once answered 422 "elsewhere" where an unknown id
 * answered 404, so ids could be probed across counties (households were already fenced so).
 */
export async function pairingInScope(pairings: PairingRepository, roster: RosterPort, actor: Actor, id: string, tx: Tx): Promise<Pairing> {
  const pairing = await pairings.get(tx, id);
  if (!pairing || !(await organizationInScope(roster, actor, pairing.orgId, tx))) throw new NotFoundError('PAIRING', id);
  return pairing;
}
