import { addDays, anniversary, type Day } from '../shared/day';

/**
 * Where a probationary member stands on a day (ADR 0154): `due` — his probation is over and he may
 * be made full, up to the second anniversary; `overdue` — the second anniversary has passed, so he
 * should have been made full or have left (逾期未转正).
 */
export const PROBATION_STANDINGS = ['due', 'overdue'] as const;
export type ProbationStanding = (typeof PROBATION_STANDINGS)[number];

/**
 * The latest joining day whose `years`-th anniversary has come by `day`. Anniversaries never go
 * back as the joining day moves on, so it is the day `years` back, or a day before it where that
 * day is a 1 March standing for a 29 February.
 */
export function latestJoiningDayWithAnniversaryBy(day: Day, years: number): Day {
  let joinedOn = anniversary(day, -years);
  while (anniversary(joinedOn, years) > day) joinedOn = addDays(joinedOn, -1);
  return joinedOn;
}

/**
 * The joining days of the probationary members in a standing on `today`, as the probation rules
 * (`MemberIsFullFromAYearAfterJoiningRule`, `ProbationIsExtendedByAtMostAYearRule`) judge a 转正
 * dated today: due when both would allow it, overdue when the extension's end has passed.
 */
export function joiningDaysIn(standing: ProbationStanding, today: Day): { readonly onOrBefore: Day; readonly after?: Day } {
  const overdue = latestJoiningDayWithAnniversaryBy(addDays(today, -1), 2);
  return standing === 'overdue' ? { onOrBefore: overdue } : { onOrBefore: latestJoiningDayWithAnniversaryBy(today, 1), after: overdue };
}
