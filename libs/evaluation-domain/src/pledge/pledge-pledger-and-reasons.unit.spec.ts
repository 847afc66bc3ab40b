import type { DomainEvent } from '@vanguard/kernel';
import { specificationFor } from '@vanguard/kernel/testing';
import {
  county,
  lapsed,
  pledgeMade,
  record,
  returned,
  township,
  TOWNSHIP_PATH,
  village,
  VILLAGE_PATH,
} from '../replay/recorded-decisions.fixture';
import { replayDecision } from '../replay/replay-decision';
import type { PledgeCommand } from './pledge.commands';
import { pledgeDecider } from './pledge.decide';
import { DecisionGivesAReasonRule, PledgeIsAmendedByThePledgerRule } from './pledge.rules';

// A hostile probe: the township returned the village's pledge, amended its content to "x" and filed
// it itself; and pledges were returned and lapsed with the reason "\u200b\u2800".
const spec = specificationFor(pledgeDecider);
const INVISIBLE = '\u200b\u2800';
const amend = (decidedBy: typeof village): PledgeCommand => ({
  type: 'AmendPledge',
  data: { category: 'deed_for_masses', content: 'x', dueOn: '2011-06-20', today: '2011-04-12', cycleEndsOn: '2011-06-30', decidedBy },
});
const ret = (reason: string): PledgeCommand => ({
  type: 'ReturnPledge',
  data: { decidedBy: county, pledgerOrgPath: VILLAGE_PATH, reason },
});
const lapse = (reason: string): PledgeCommand => ({
  type: 'LapsePledge',
  data: { decidedBy: township, filerOrgPath: TOWNSHIP_PATH, reason },
});
const published = record(pledgeDecider, [
  pledgeMade,
  { type: 'FilePledge', data: { decidedBy: township, pledgerOrgPath: VILLAGE_PATH, reason: '' } },
  { type: 'PublishPledge', data: {} },
]);

describe('pledgeDecider: the pledger amends its pledge', () => {
  it('given the village’s pledge returned, when the township (the filing level) amends it, then it is refused (403 PLEDGE.NOT_PLEDGER)', () =>
    spec.given(returned).when(amend(township)).thenRefuses(PledgeIsAmendedByThePledgerRule));

  it('given it returned, when a county organizer above amends it, then it is refused too', () =>
    spec.given(returned).when(amend(county)).thenRefuses(PledgeIsAmendedByThePledgerRule));

  it('given it returned, when the village amends it, then it waits for filing again', () =>
    spec
      .given(returned)
      .when(amend(village))
      .thenMatches(([e]) => expect(e).toMatchObject({ type: 'evaluation.PledgeAmended', data: { content: 'x' } })));
});

describe('pledgeDecider: a reason of invisible characters is none (reason-given v2)', () => {
  it('when a pledge is returned with "\\u200b\\u2800", then it is refused', () =>
    spec
      .given(record(pledgeDecider, [pledgeMade]))
      .when(ret(INVISIBLE))
      .thenRefuses(DecisionGivesAReasonRule));

  it('when a published pledge lapses with "\\u200b\\u2800", then it is refused', () =>
    spec.given(published).when(lapse(INVISIBLE)).thenRefuses(DecisionGivesAReasonRule));

  it('records reason-given v2 among a return’s and a lapse’s checks, and each replays', () => {
    for (const stream of [returned, lapsed]) {
      const decision = stream.at(-1)!.data as { decision: { checks?: unknown } };
      expect(decision.decision.checks).toEqual([{ id: 'evaluation.decision.reason-given', version: 2 }]);
      expect(replayDecision(stream, stream.length - 1).matches).toBe(true);
    }
  });

  it('given a return and a lapse recorded before (no checks) with "\\u200b\\u2800", when replayed, then version 1 runs and each matches', () => {
    const asRecordedThen = (e: DomainEvent): DomainEvent => {
      const { checks: _checks, ...decision } = (e.data as { decision: { checks?: unknown; reason: string } }).decision;
      return { ...e, data: { ...(e.data as object), decision: { ...decision, reason: INVISIBLE } } };
    };
    for (const stream of [returned, lapsed]) {
      const legacy = [...stream.slice(0, -1), asRecordedThen(stream.at(-1)!)];
      expect(replayDecision(legacy, legacy.length - 1)).toMatchObject({
        matches: true,
        refusal: null,
        ruleVersions: { 'evaluation.decision.reason-given': 1 },
      });
    }
  });
});
