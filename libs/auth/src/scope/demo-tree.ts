import { OrgTreeProjection } from './org-tree.projection';
import { OrganizationRegistered } from '@vanguard/contracts';
import { demoOrgId } from '@vanguard/infra-config';
import type { SqlExecutor } from '@vanguard/messaging';

/** The demo region the realm's users point into (ids are `demoOrgId(code)`), parents first. */
export const DEMO_TREE: readonly { code: string; name: string; level: string }[] = [
  { code: '91', name: '示范省', level: 'province' },
  { code: '9104', name: '青山市', level: 'city' },
  { code: '910425', name: '松岭旗', level: 'county' },
  { code: '910426', name: '河口县', level: 'county' },
  { code: '910425101', name: '白桦镇', level: 'township' },
  { code: '910425102', name: '河口镇', level: 'township' },
  { code: '910425101201', name: '红石村', level: 'village' },
];

/**
 * Bootstraps a service's org-tree copy with the demo region, as a snapshot would, before the
 * organization topic has been read. Rows go in at version 0, so the organization
 * service's own events (version 1 and up) replace them whenever they arrive.
 */
export async function bootstrapDemoTree(db: SqlExecutor): Promise<void> {
  const projection = new OrgTreeProjection();
  for (const o of DEMO_TREE) {
    const parentCode = DEMO_TREE.filter((p) => o.code.startsWith(p.code) && p.code !== o.code).at(-1)?.code ?? null;
    await projection.apply(db, {
      type: OrganizationRegistered.type,
      streamVersion: 0,
      data: {
        organizationId: demoOrgId(o.code),
        parentId: parentCode ? demoOrgId(parentCode) : null,
        parentCode,
        code: o.code,
        name: o.name,
        level: o.level,
      },
    });
  }
}
