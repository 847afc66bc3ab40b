/**
 * Which tier rule version decides a period (年度). Version 2 weighs the masses' satisfaction
 * (seed 003, the 2012 plan: 综合领导点评和群众评议工作，把组织评价与社会评价结合起来), so it decides 2012 and later;
 * earlier periods keep version 1. A replay never asks this: it takes the version recorded.
 */
const SCHEDULE: readonly { readonly fromPeriod: string; readonly version: number }[] = [
  { fromPeriod: '2012', version: 2 },
  { fromPeriod: '0000', version: 1 },
];

export function tierRuleVersionInForce(period: string): number {
  return SCHEDULE.find((s) => period >= s.fromPeriod)!.version;
}
