import { Rule } from '@vanguard/kernel';

/** A village or community as the roster (the organization service's state topics) knows it. */
export interface Village {
  readonly id: string;
  readonly name: string;
  readonly level: string;
  /** 农村 / 社区 / 机关 / 企业 …: only rural villages and communities are paired and helped. */
  readonly sector: string;
  readonly status: string;
  /** Ids from the root down to the village itself. */
  readonly path: readonly string[];
}

const VILLAGE_SECTORS = ['rural', 'community'];

/**
 * Pairings, cadres, projects and deeds are for an active village or community (村 / 社区): not a
 * township or county, and not an organ's or enterprise's branch, which sit at the same level.
 */
export class MustBeAnActiveVillage extends Rule {
  readonly id = 'active-village';
  readonly code = 'ORGANIZATION.NOT_A_VILLAGE';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(private readonly org: Pick<Village, 'level' | 'sector' | 'status' | 'name'>) {
    super();
    this.message = `${org.name} 不是在册的村或社区 / ${org.name} is not an active village or community (${org.level}, ${org.sector}, ${org.status})`;
  }
  isBroken(): boolean {
    return this.org.level !== 'village' || !VILLAGE_SECTORS.includes(this.org.sector) || this.org.status !== 'active';
  }
}

/**
 * A helper unit named by id (帮扶单位) is an organisation the platform knows and still active, of
 * any county (a city bureau helps too): an id nobody holds, or a dissolved unit, would send every
 * reader of the event to nothing. Read from this service's roster copy, which follows the
 * organization service a moment behind.
 */
export class HelperUnitMustBeAnActiveOrganisation extends Rule {
  readonly id = 'helper-unit-active';
  readonly code = 'HELPER_UNIT.UNKNOWN';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    helperOrgId: string,
    private readonly found: Pick<Village, 'status'> | null,
  ) {
    super();
    this.message = `帮扶单位不存在或已撤销 / helperOrgId ${helperOrgId} names no active organisation the platform knows`;
  }
  isBroken(): boolean {
    return this.found?.status !== 'active';
  }
}
