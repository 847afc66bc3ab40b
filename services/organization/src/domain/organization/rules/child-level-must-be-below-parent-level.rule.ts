import type { BusinessRule } from '../../shared/business-rule';
import { levelRank, ORG_LEVEL_LABEL, type OrgLevel } from '../organization.vocabulary';

/** A city sits under a province, a county under a city…; village-level branches may also sit under a village-level general branch. */
export class ChildLevelMustBeBelowParentLevelRule implements BusinessRule {
  readonly code = 'ORGANIZATION.LEVEL_MISMATCH';
  readonly kind = 'rule' as const;
  readonly message: string;
  constructor(
    private readonly parentLevel: OrgLevel | null,
    private readonly childLevel: OrgLevel,
  ) {
    this.message = parentLevel
      ? `层级不符：${ORG_LEVEL_LABEL[childLevel]}党组织不能隶属于${ORG_LEVEL_LABEL[parentLevel]}党组织 / a ${childLevel} organisation cannot sit under a ${parentLevel} one`
      : `只有省级党组织可以没有上级 / only a province-level organisation may have no parent`;
  }
  isBroken(): boolean {
    if (this.parentLevel === null) return this.childLevel !== 'province';
    if (this.parentLevel === 'village' && this.childLevel === 'village') return false;
    return levelRank(this.childLevel) <= levelRank(this.parentLevel);
  }
}
