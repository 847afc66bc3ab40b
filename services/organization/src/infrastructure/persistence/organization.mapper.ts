import { OrgCode } from '../../domain/organization/org-code.value-object';
import { Organization } from '../../domain/organization/organization.aggregate';
import type { OrgKind, OrgLevel, OrgStatus, Sector } from '../../domain/organization/organization.vocabulary';
import { OrganizationOrmEntity } from './organization.orm-entity';

export const toPath = (ids: readonly string[]): string => `/${ids.join('/')}/`;
export const fromPath = (path: string): string[] => path.split('/').filter(Boolean);

export const OrganizationMapper = {
  toDomain(row: OrganizationOrmEntity): Organization {
    const path = fromPath(row.path);
    return Organization.restore({
      id: row.id,
      code: OrgCode.of(row.code),
      name: row.name,
      level: row.level as OrgLevel,
      kind: row.kind as OrgKind,
      sector: row.sector as Sector,
      parentId: row.parentId,
      ancestorIds: path.slice(0, -1),
      establishedOn: row.establishedOn,
      temporary: row.temporary,
      status: row.status as OrgStatus,
      mergedIntoId: row.mergedIntoId,
      version: row.version,
    });
  },

  toOrm(org: Organization): OrganizationOrmEntity {
    const row = new OrganizationOrmEntity();
    row.id = org.id;
    row.code = org.code;
    row.name = org.name;
    row.level = org.level;
    row.kind = org.kind;
    row.sector = org.sector;
    row.parentId = org.parentId;
    row.path = toPath(org.path);
    row.depth = org.path.length - 1;
    row.establishedOn = org.establishedOn;
    row.temporary = org.temporary;
    row.status = org.status;
    row.mergedIntoId = org.mergedIntoId;
    row.version = org.version;
    return row;
  },
};
