import type { Village } from '../../domain/shared/village';
import type { Actor } from '../ports/context.port';
import type { RosterPort } from '../ports/roster.port';
import { NotFoundError, organizationInScope } from '../scope/scope';

/** The village as the roster knows it, if it lies in the actor's subtree; otherwise the same 404 either way. */
export async function villageInScope(roster: RosterPort, actor: Actor, orgId: string): Promise<Village> {
  const village = await organizationInScope(roster, actor, orgId);
  if (!village) throw new NotFoundError('ORGANIZATION', orgId);
  return village;
}
