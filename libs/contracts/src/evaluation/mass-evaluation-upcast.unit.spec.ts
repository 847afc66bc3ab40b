import type { EventEnvelope } from '../envelope';
import {
  MassEvaluationClosed,
  MassEvaluationOpened,
  MassEvaluationOpenedV2,
  MassEvaluationPublished,
  MassEvaluationPublishedV2,
  upcastMassEvaluationEvent,
} from './mass-evaluation.contracts';

const WINDOW = '0190a6f0-0000-7000-8000-0000000000b1';
const VILLAGE = '0190a6f0-0000-7000-8000-000000000001';
const TOWNSHIP = '0190a6f0-0000-7000-8000-000000000002';

const envelope = (type: string, version: number, streamVersion: number, data: unknown, orgId?: string): EventEnvelope => ({
  eventId: '0190a6f0-0000-7000-8000-0000000000ee',
  type,
  version,
  streamId: `mass-evaluation-${WINDOW}`,
  streamVersion,
  occurredAt: '2011-06-08T08:00:00.000Z',
  recordedAt: '2011-06-08T08:00:00.000Z',
  actor: { sub: 'township.secretary', roles: ['auditor', 'organizer', 'branch_secretary'], ...(orgId ? { orgId } : {}) },
  orgId: VILLAGE,
  correlationId: 'c',
  causationId: null,
  data,
});
const openedV1 = {
  windowId: WINDOW,
  subject: { kind: 'organization', id: VILLAGE },
  orgId: VILLAGE,
  cycleId: null,
  eligibleVoters: 60,
  opensOn: '2011-06-01',
  closesOn: '2011-06-07',
};

describe(upcastMassEvaluationEvent.name, () => {
  const sut = upcastMassEvaluationEvent;

  it('reads a v1 publication as v2, its decision taken from the envelope: actor, window before it, the closed-first rule', () => {
    const v2 = sut(envelope(MassEvaluationPublished.type, 1, 4, { windowId: WINDOW }, TOWNSHIP));
    expect(v2.version).toBe(2);
    expect(MassEvaluationPublishedV2.schema.parse(v2.data)).toEqual({
      windowId: WINDOW,
      decision: {
        decidedBy: { sub: 'township.secretary', role: 'branch_secretary', orgId: TOWNSHIP },
        inputs: [{ streamId: `mass-evaluation-${WINDOW}`, version: 3 }],
        rule: { id: 'evaluation.mass-evaluation.publish-closed', version: 1 },
        reason: expect.stringContaining('v1'),
      },
    });
  });

  it('reads a v1 opening as v2 that passes the v2 schema, naming the event’s organisation when the actor had none', () => {
    const v2 = sut(envelope(MassEvaluationOpened.type, 1, 1, openedV1));
    const data = MassEvaluationOpenedV2.schema.parse(v2.data);
    expect(data).toMatchObject({ ...openedV1, decision: { decidedBy: { orgId: VILLAGE }, inputs: [] } });
    expect(data.decision.rule).toEqual({ id: 'evaluation.mass-evaluation.dates', version: 1 });
  });

  it('keeps a decision a v1 row already carries', () => {
    const recorded = {
      decidedBy: { sub: 'county.evaluator', role: 'evaluator', orgId: TOWNSHIP },
      inputs: [],
      rule: { id: 'evaluation.mass-evaluation.run-from-above', version: 1 },
      reason: 'r',
    };
    expect(sut(envelope(MassEvaluationOpened.type, 1, 1, { ...openedV1, decision: recorded })).data).toMatchObject({ decision: recorded });
  });

  it('leaves v2 events and other types as they are', () => {
    const published = envelope(MassEvaluationPublished.type, 2, 4, { windowId: WINDOW });
    const closed = envelope(MassEvaluationClosed.type, 1, 3, {});
    expect(sut(published)).toBe(published);
    expect(sut(closed)).toBe(closed);
  });
});
