import { DomainError } from '@vanguard/kernel';
import type { Actor } from '../ports/context.port';
import type { RosterPort } from '../ports/roster.port';
import type { Tx } from '../ports/unit-of-work.port';

/**
 * An actor acts inside the subtree of the organisation in their token: the village's path
 * (root … village, from the roster copy) must contain it. No org_id, no scope.
 */
export function isWithin(actor: Actor, path: readonly string[]): boolean {
  return !!actor.orgId && path.includes(actor.orgId);
}

/** Within, and the actor's own organisation is still active: a token naming a dissolved or merged one grants nothing. */
export async function isWithinActive(roster: RosterPort, actor: Actor, path: readonly string[], tx?: Tx): Promise<boolean> {
  if (!isWithin(actor, path)) return false;
  return (await roster.organization(actor.orgId!, tx))?.status === 'active';
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
