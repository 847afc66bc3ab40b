import { DECISION_REPLAYERS } from './decision-replayers';
import { decisions as others, kept, TOWNSHIP, VILLAGE } from './recorded-decisions.fixture';
import { monthlyReviewDecisions, round } from './recorded-monthly-reviews.fixture';
import { replayDecision } from './replay-decision';

const decisions = [...others, ...monthlyReviewDecisions];

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

  it('given a recorded score of a round was altered, when its ranking is replayed, then the ranking read from the scores differs', () => {
    // The village's points in the leader's batch raised after the round was concluded: the fold
    // the conclusion read gives it another score, and now the first rank.
    const batch = round[1]!;
    const data = batch.data as { scores: { orgId: string; points: number[] }[] };
    const raised = {
      ...batch,
      data: { ...data, scores: data.scores.map((s) => (s.orgId === VILLAGE ? { ...s, points: s.points.map(() => 10) } : s)) },
    };

    const sut = replayDecision([round[0]!, raised, ...round.slice(2)], 3);

    expect(sut.matches).toBe(false);
    expect(sut.recorded[0]).toMatchObject({
      data: {
        results: [
          { orgId: TOWNSHIP, rank: 1 },
          { orgId: VILLAGE, rank: 2 },
        ],
      },
    });
    expect(sut.replayed[0]).toMatchObject({
      data: {
        results: [
          { orgId: VILLAGE, rank: 1 },
          { orgId: TOWNSHIP, rank: 2 },
        ],
      },
    });
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
