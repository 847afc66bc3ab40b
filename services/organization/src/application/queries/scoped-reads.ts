import { OrganizationNotFoundError } from '../../domain/organization/organization.errors';
import type { Actor } from '../ports/actor';
import type { OrganizationReadModel, OrganizationView } from '../ports/organization-read-model.port';
import { assertWithinScope } from '../scope/access-scope';
import { OutOfScopeError } from '../scope/out-of-scope.error';

/** Resolves the subtree a listing runs over: the caller's organisation unless a narrower one is asked for. */
export async function scopedRoot(
  readModel: OrganizationReadModel,
  actor: Actor,
  requested: string | undefined,
): Promise<{ subtreeOf: string; subtreePath: readonly string[] }> {
  const rootId = requested ?? actor.orgId;
  if (!rootId) throw new OutOfScopeError('(none)');
  const root = await readModel.findOrganization(rootId);
  if (!root) throw new OrganizationNotFoundError(rootId);
  await assertWithinScope(actor, root, readModel);
  return { subtreeOf: root.id, subtreePath: root.path };
}

export async function visibleOrganization(readModel: OrganizationReadModel, actor: Actor, id: string): Promise<OrganizationView> {
  const org = await readModel.findOrganization(id);
  if (!org) throw new OrganizationNotFoundError(id);
  await assertWithinScope(actor, org, readModel);
  return org;
}
