import { DECISION_REPLAYERS } from './decision-replayers';
import { decisions, kept, TOWNSHIP } from './recorded-decisions.fixture';
import { replayDecision } from './replay-decision';

describe(replayDecision.name, () => {
  it('covers every decision event type this code replays', () => {
    const covered = new Set(decisions.map(([, stream, at]) => stream[at]!.type));
    expect([...covered].sort()).toEqual(Object.keys(DECISION_REPLAYERS).sort());
  });

  it.each(decisions)(
    'given a recorded %s, when replayed from its recorded inputs and rule versions, then it gives the recorded outcome',
    (_, stream, at, facts) => {
      const sut = replayDecision(stream, at, facts);

      expect(sut.refusal).toBeNull();
      expect(sut.replayed).toEqual(sut.recorded);
      expect(sut.matches).toBe(true);
    },
  );

  it('given a decision whose recorded outcome was altered, when replayed, then it does not match', () => {
    const rated = kept[4]!;
    const altered = [...kept.slice(0, 4), { ...rated, data: { ...rated.data, satisfactionPermille: 999 } }];

    expect(replayDecision(altered, 4).matches).toBe(false);
  });

  it('given the tree copy has moved the village since, when replayed, then the path recorded is the one checked', () => {
    // The village now sits under another township: a decision checked against today's tree
    // would refuse the township's filing; the replay reads only what the decision recorded.
    const sut = replayDecision(kept, 1);

    expect(sut.matches).toBe(true);
    expect(sut.recorded[0]).toMatchObject({
      data: { decision: { inputs: expect.arrayContaining([{ streamId: `organization-${TOWNSHIP}`, version: 2 }]) } },
    });
  });
});
