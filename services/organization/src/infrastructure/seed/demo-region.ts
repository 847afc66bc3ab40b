import { demoOrgId } from '@vanguard/infra-config';
import type { OrgKind, OrgLevel, Sector } from '../../domain/organization/organization.vocabulary';

export interface SeedOrganization {
  readonly id: string;
  readonly code: string;
  readonly name: string;
  readonly level: OrgLevel;
  readonly kind: OrgKind;
  readonly sector: Sector;
  readonly parentCode: string | null;
  readonly establishedOn: string;
  readonly temporary?: boolean;
}

/**
 * The synthetic demo region the Keycloak realm's users point into (their `org_id`s are
 * `demoOrgId(code)`): 示范省 91 → 青山市 9104 → 松岭旗 910425 (+ 河口县 910426) →
 * 白桦镇 910425101, 河口镇 910425102 → 红石村 910425101201. Parents come first.
 */
export const DEMO_REGION: readonly SeedOrganization[] = [
  {
    code: '91',
    name: '示范省',
    level: 'province',
    kind: 'committee',
    sector: 'government_organ',
    parentCode: null,
    establishedOn: '1949-10-01',
  },
  {
    code: '9104',
    name: '青山市',
    level: 'city',
    kind: 'committee',
    sector: 'government_organ',
    parentCode: '91',
    establishedOn: '1983-10-10',
  },
  {
    code: '910425',
    name: '松岭旗',
    level: 'county',
    kind: 'committee',
    sector: 'government_organ',
    parentCode: '9104',
    establishedOn: '1949-11-20',
  },
  {
    code: '910426',
    name: '河口县',
    level: 'county',
    kind: 'committee',
    sector: 'government_organ',
    parentCode: '9104',
    establishedOn: '1950-03-01',
  },
  {
    code: '910425101',
    name: '白桦镇',
    level: 'township',
    kind: 'committee',
    sector: 'rural',
    parentCode: '910425',
    establishedOn: '1984-05-01',
  },
  {
    code: '910425102',
    name: '河口镇',
    level: 'township',
    kind: 'committee',
    sector: 'rural',
    parentCode: '910425',
    establishedOn: '1984-05-01',
  },
  {
    code: '910425101201',
    name: '红石村',
    level: 'village',
    kind: 'branch',
    sector: 'rural',
    parentCode: '910425101',
    establishedOn: '1956-07-01',
  },
].map((o) => ({ ...o, id: demoOrgId(o.code) }) as SeedOrganization);

export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Inserts organisations (parents before children) unless their id is already there; the
 * path is built from the parent's stored path. Idempotent: a second run changes nothing.
 */
export async function ensureOrganizations(db: SqlRunner, orgs: readonly SeedOrganization[]): Promise<void> {
  for (const o of orgs) {
    await db.query(
      `insert into organizations (id, code, name, level, kind, sector, parent_id, path, depth, established_on, temporary, status, version)
       select $1::uuid, $2, $3, $4, $5, $6, p.id,
              coalesce(p.path, '/') || $1::text || '/', coalesce(p.depth + 1, 0), $8::date, $9, 'active', 1
         from (select 1) one left join organizations p on p.code = $7
        where $7::text is null or p.id is not null
       on conflict do nothing`,
      [o.id, o.code, o.name, o.level, o.kind, o.sector, o.parentCode, o.establishedOn, o.temporary ?? false],
    );
  }
}
