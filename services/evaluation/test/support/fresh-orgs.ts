import { randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { OrgTreeProjection } from '@vanguard/auth';
import { OrganizationDissolved, OrganizationRegistered } from '@vanguard/contracts';
import { demoOrgId, infraConfig } from '@vanguard/infra-config';

/**
 * A township of its own under 松岭旗 with `villages` villages, put into the test database's
 * org-tree copy (as organisation events would) before the app loads it: suites that record
 * once-per-period facts (assessments) get organisations no earlier run has touched.
 */
export async function freshTownship(villages: number): Promise<{ township: string; villages: string[] }> {
  const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await db.connect();
  try {
    await db.query(`set search_path to evaluation`);
    const projection = new OrgTreeProjection();
    const register = (id: string, parentId: string, parentCode: string, code: string, level: string) =>
      projection.apply(db, {
        type: OrganizationRegistered.type,
        streamVersion: 0,
        data: { organizationId: id, parentId, parentCode, code, name: `测试${level}${code}`, level },
      });
    const townshipCode = `910425${randomInt(300, 999)}${randomInt(100, 999)}`;
    const township = randomUUID();
    await register(township, demoOrgId('910425'), '910425', townshipCode, 'township');
    const ids: string[] = [];
    for (let i = 0; i < villages; i++) {
      const id = randomUUID();
      await register(id, township, townshipCode, `${townshipCode}${200 + i}`, 'village');
      ids.push(id);
    }
    return { township, villages: ids };
  } finally {
    await db.end();
  }
}

/** Dissolves `orgId` in the test database's org-tree copy, as organization's event would, before the app loads it. */
export async function dissolveInTree(orgId: string): Promise<void> {
  const db = new Client({ connectionString: infraConfig().testDatabaseUrl });
  await db.connect();
  try {
    await db.query(`set search_path to evaluation`);
    await new OrgTreeProjection().apply(db, {
      type: OrganizationDissolved.type,
      streamVersion: 1,
      data: { organizationId: orgId, orgId, dissolvedOn: '2011-01-01' },
    });
  } finally {
    await db.end();
  }
}
