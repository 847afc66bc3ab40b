import type { PostgresEventStore } from '@vanguard/event-store';
import {
  monthlyReviewDecider,
  monthlyRoundReadOf,
  type MonthlyReviewState,
  type MonthlyRoundRead,
  type OrganizationAssessedEvent,
} from '@vanguard/evaluation-domain';
import { assessmentStream } from '../../application/assessments/assessment-access';
import { replayAssessment, type AssessmentReplay } from '../../application/assessments/assessment-replay';
import { satisfactionWindowFold, type SatisfactionWindow } from '../../application/assessments/satisfaction-window';
import type { AssessmentReplayerPort } from '../../application/queries/assessment-queries';

/** Reads the recorded assessment from the store and its mass-evaluation input and monthly rounds as of the recorded versions. */
export class StoreAssessmentReplayer implements AssessmentReplayerPort {
  constructor(private readonly store: PostgresEventStore) {}

  async replay(orgId: string, period: string): Promise<AssessmentReplay | null> {
    const events = await this.store.readStream(assessmentStream(orgId));
    const recorded = events.find((e) => e.type === 'evaluation.OrganizationAssessed' && (e.data as { period?: unknown }).period === period);
    if (!recorded) return null;
    const data = (recorded as unknown as OrganizationAssessedEvent).data;
    return replayAssessment(
      data,
      (streamId, version) => this.readAt(streamId, version),
      (streamId, version) => this.readRoundAt(streamId, version, orgId),
    );
  }

  private async readAt(streamId: string, version: number): Promise<SatisfactionWindow> {
    const fold = {
      initialState: () => satisfactionWindowFold.initialState(),
      evolve: (s: SatisfactionWindow, e: unknown) =>
        satisfactionWindowFold.evolve(s, e as Parameters<typeof satisfactionWindowFold.evolve>[1]),
    };
    return (await this.store.asOf(streamId, fold, { version })).state;
  }

  private async readRoundAt(streamId: string, version: number, orgId: string): Promise<MonthlyRoundRead | null> {
    const fold = {
      initialState: () => monthlyReviewDecider.initialState(),
      evolve: (s: MonthlyReviewState, e: unknown) => monthlyReviewDecider.evolve(s, e as Parameters<typeof monthlyReviewDecider.evolve>[1]),
    };
    const { state } = await this.store.asOf(streamId, fold, { version });
    return monthlyRoundReadOf(streamId, state, orgId);
  }
}
