import { Rule } from '@vanguard/kernel';

/**
 * A lagging village (相对后进村) is rectified with a one-village plan (一村一策) and the five
 * fixed points (五定点) of seed 002: leader, township, unit, cadre and supervising office.
 */
export class LaggingVillageNeedsAPlanAndTheFiveFixedPoints extends Rule {
  readonly id = 'lagging-village-plan';
  readonly code = 'PAIRING.LAGGING_VILLAGE_INCOMPLETE';
  readonly kind = 'rule' as const;
  readonly message = '后进村须有一村一策和五定点 / a lagging village needs its one-village plan and all five fixed points';
  constructor(
    private readonly lagging: boolean,
    private readonly hasPlan: boolean,
    private readonly hasFivePoints: boolean,
  ) {
    super();
  }
  isBroken(): boolean {
    return this.lagging && !(this.hasPlan && this.hasFivePoints);
  }
}

/** The plan and the five points belong to lagging villages only: elsewhere they would be noise nobody acts on. */
export class OnlyALaggingVillageHasARectificationPlan extends Rule {
  readonly id = 'plan-only-when-lagging';
  readonly code = 'PAIRING.PLAN_WITHOUT_LAGGING';
  readonly kind = 'rule' as const;
  readonly message = '非后进村不设一村一策和五定点 / only a lagging village has a one-village plan and five fixed points';
  constructor(
    private readonly lagging: boolean,
    private readonly hasPlanOrPoints: boolean,
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.lagging && this.hasPlanOrPoints;
  }
}

/** 苏木乡镇定点指导: the guiding township is the one the village lies in. */
export class GuidingTownshipMustBeAboveTheVillage extends Rule {
  readonly id = 'guiding-township-above-village';
  readonly code = 'PAIRING.TOWNSHIP_NOT_ABOVE_VILLAGE';
  readonly kind = 'rule' as const;
  readonly message = '定点指导的乡镇须是该村的上级 / the guiding township must be the one the village lies in';
  constructor(
    private readonly townshipOrgId: string,
    private readonly villagePath: readonly string[],
  ) {
    super();
  }
  isBroken(): boolean {
    return !this.villagePath.slice(0, -1).includes(this.townshipOrgId);
  }
}
