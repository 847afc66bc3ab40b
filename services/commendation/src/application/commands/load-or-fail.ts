import type { OrgVersions } from '@vanguard/commendation-domain';
import { DomainError } from '@vanguard/kernel';
import type { OrgNode, OrgTreePort } from '../ports/org-tree.port';

export class OrganizationNotFoundError extends DomainError {
  constructor(orgId: string) {
    super('ORGANIZATION.NOT_FOUND', 'not_found', `没有这个党组织 / no organisation ${orgId} in this service's tree copy`);
  }
}

/** Root → `orgId`, each with its level, from the tree copy; 404 when the copy does not know it. */
export async function orgPathOrFail(tree: OrgTreePort, orgId: string): Promise<OrgNode[]> {
  const path = await tree.pathOf(orgId);
  if (!path) throw new OrganizationNotFoundError(orgId);
  const nodes = await tree.nodes(path);
  const list = path.map((id) => nodes.get(id));
  if (list.some((n) => !n)) throw new OrganizationNotFoundError(orgId);
  return list as OrgNode[];
}

/** The copy's version of each organisation on the paths read, for the decider to record as `organization-<id>` inputs. */
export const orgVersionsOf = (...paths: readonly (readonly OrgNode[])[]): OrgVersions =>
  Object.fromEntries(paths.flat().map((o) => [o.id, o.version]));

/** Root → `orgId` as the copy holds it, or [] when it does not know it (the decider then refuses on an empty path). */
export async function orgPathOrEmpty(tree: OrgTreePort, orgId: string): Promise<OrgNode[]> {
  try {
    return await orgPathOrFail(tree, orgId);
  } catch (e) {
    if (e instanceof OrganizationNotFoundError) return [];
    throw e;
  }
}
