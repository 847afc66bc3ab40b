import { checkRule, ruleRef, type Decider } from '@vanguard/kernel';
import { pathInputs } from '../org-path';
import type { CountWindowServices, PublishWindowCommitments, WindowServiceKind, WindowUnitCommand } from './window-unit.commands';
import type { WindowUnitEvent } from './window-unit.events';
import {
  BatchIsCountedOnceRule,
  COMMITMENTS_CARRY_NO_PERSONAL_DATA,
  RecordIsCountedOnceForTheUnitRule,
  recordsToCount,
  ServicesAreCountedForAWindowUnitRule,
  ServicesAreSentByTheUnitOrAboveRule,
  WindowUnitIsPublishedByTheUnitOrAboveRule,
} from './window-unit.rules';
import { evolveWindowUnit, initialWindowUnitState, type WindowUnitState } from './window-unit.state';

export const windowUnitStream = (orgId: string) => `window-unit-${orgId}`;

export function publishWindowCommitments({ data }: PublishWindowCommitments, state: WindowUnitState): WindowUnitEvent[] {
  const right = new WindowUnitIsPublishedByTheUnitOrAboveRule(data.decidedBy, data.orgPath);
  checkRule(right);
  const clean = COMMITMENTS_CARRY_NO_PERSONAL_DATA.create(data.ruleVersions, data);
  checkRule(clean);
  const { orgId, serviceName, duties, process, discipline, publishedOn } = data;
  return [
    {
      type: 'evaluation.WindowUnitCommitmentsPublished',
      data: {
        orgId,
        serviceName,
        duties,
        process,
        discipline,
        publishedOn,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: windowUnitStream(orgId), version: state.version }, ...pathInputs(data.orgPath)],
          rule: ruleRef(right),
          checks: [ruleRef(clean)],
          reason: data.reason,
        },
      },
    },
  ];
}

/**
 * Counts the batch's records by month and kind, a record id once for the unit — not again in a later
 * batch (ADR 0122); the records themselves stay with the sender.
 */
export function countWindowServices({ data }: CountWindowServices, state: WindowUnitState): WindowUnitEvent[] {
  checkRule(new ServicesAreCountedForAWindowUnitRule(state));
  const right = new ServicesAreSentByTheUnitOrAboveRule(data.decidedBy, data.orgPath);
  checkRule(right);
  const once = new BatchIsCountedOnceRule(state, data.batchId);
  checkRule(once);
  const toCount = recordsToCount(data.records, data.countedBefore, state);
  const recordOnce = new RecordIsCountedOnceForTheUnitRule(toCount);
  checkRule(recordOnce);
  const counts = new Map<string, { month: string; kind: WindowServiceKind; count: number }>();
  for (const r of toCount) {
    const key = `${r.on.slice(0, 7)}|${r.kind}`;
    const c = counts.get(key) ?? { month: r.on.slice(0, 7), kind: r.kind, count: 0 };
    counts.set(key, { ...c, count: c.count + 1 });
  }
  return [
    {
      type: 'evaluation.WindowServicesCounted',
      data: {
        orgId: data.orgId,
        batchId: data.batchId,
        source: data.source,
        counts: [...counts.values()].sort((a, b) => (a.month + a.kind < b.month + b.kind ? -1 : 1)),
        records: toCount.length,
        countedOn: data.countedOn,
        decision: {
          decidedBy: data.decidedBy,
          inputs: [{ streamId: windowUnitStream(data.orgId), version: state.version }, ...pathInputs(data.orgPath)],
          rule: ruleRef(right),
          checks: [ruleRef(once), ruleRef(recordOnce)],
          reason: `${data.source} batch ${data.batchId}`,
        },
      },
    },
  ];
}

/** 窗口单位 三亮三比三评: one stream per window unit — its commitments and the services its systems reported. */
export const windowUnitDecider: Decider<WindowUnitCommand, WindowUnitState, WindowUnitEvent> = {
  initialState: initialWindowUnitState,
  evolve: evolveWindowUnit,
  decide(command, state) {
    switch (command.type) {
      case 'PublishWindowCommitments':
        return publishWindowCommitments(command, state);
      case 'CountWindowServices':
        return countWindowServices(command, state);
    }
  },
};
