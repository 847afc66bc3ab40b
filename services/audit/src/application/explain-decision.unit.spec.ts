import type { RecordedEvent } from '@vanguard/event-store';
import { HttpException } from '@nestjs/common';
import type { AuditReader } from './audit-reader';
import { explainDecision } from './explain-decision';

// A decision whose record lacks an input its replay must read is not replayable: the auditor is
// told so as every other refusal of the replay (422, the replay's own code), not as a bad request.
describe(explainDecision.name, () => {
  it('answers 422 DECISION.REPLAY_FACT_MISSING when the record names no stream the replay reads', async () => {
    const opened = {
      streamId: 'monthly-review-r1',
      streamVersion: 1,
      type: 'evaluation.MonthlyReviewOpened',
      data: { decision: { inputs: [], rule: { id: 'evaluation.monthly-review.open', version: 1 } } },
    } as unknown as RecordedEvent;
    const reader = { events: () => Promise.resolve({ kind: { context: 'evaluation' }, events: [opened] }) } as unknown as AuditReader;

    const refusal = await explainDecision(reader, 'monthly-review-r1', 1).catch((e: unknown) => e);

    expect(refusal).toBeInstanceOf(HttpException);
    expect([(refusal as HttpException).getStatus(), (refusal as HttpException).getResponse()]).toEqual([
      422,
      expect.objectContaining({ code: 'DECISION.REPLAY_FACT_MISSING' }),
    ]);
  });
});
