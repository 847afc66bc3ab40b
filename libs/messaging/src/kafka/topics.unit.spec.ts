import { KafkaJSProtocolError } from 'kafkajs';
import { retryingRetriable } from './topics';

// kafkajs builds these from the broker's error code; its typings take an Error or a string.
const protocolError = (type: string, message: string) =>
  new KafkaJSProtocolError({ type, code: 0, retriable: true, name: 'KafkaJSProtocolError', message } as unknown as Error);

describe(retryingRetriable.name, () => {
  const loading = () =>
    protocolError('COORDINATOR_LOAD_IN_PROGRESS', "The coordinator is loading and hence can't process requests for this group");

  it('WhenTheCoordinatorIsStillLoading_TriesAgainUntilItAnswers', async () => {
    let calls = 0;
    const answer = await retryingRetriable(() => (++calls < 3 ? Promise.reject(loading()) : Promise.resolve('offsets')));
    expect([answer, calls]).toEqual(['offsets', 3]);
  });

  it('WhenKafkajsWrappedTheRetriableErrorAfterItsOwnRetries_StillTriesAgain', async () => {
    let calls = 0;
    const exceeded = Object.assign(new Error('Number of retries exceeded'), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      retriable: false,
      cause: loading(),
    });
    expect(await retryingRetriable(() => (++calls < 2 ? Promise.reject(exceeded) : Promise.resolve(calls)))).toBe(2);
  });

  it('WhenTheErrorIsNotRetriable_ThrowsItAtOnce', async () => {
    let calls = 0;
    const refused = protocolError('GROUP_AUTHORIZATION_FAILED', 'Not authorized to access group');
    Object.assign(refused, { retriable: false });
    await expect(retryingRetriable(() => (++calls, Promise.reject(refused)))).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('WhenItStaysRetriablePastTheDeadline_ThrowsTheLastError', async () => {
    let calls = 0;
    await expect(retryingRetriable(() => (++calls, Promise.reject(loading())), 300)).rejects.toThrow('coordinator is loading');
    expect(calls).toBeGreaterThan(1);
  });

  it('WhenKafkajsMadeAnErrorFinal_DoesNotLookInsideIt', async () => {
    let calls = 0;
    const final = Object.assign(new Error('The group is rebalancing'), { name: 'KafkaJSError', retriable: false, cause: loading() });
    await expect(retryingRetriable(() => (++calls, Promise.reject(final)))).rejects.toBe(final);
    expect(calls).toBe(1);
  });

  it('WhenAnAttemptNeverSettles_FailsAtTheDeadline', async () => {
    const started = Date.now();
    await expect(retryingRetriable(() => new Promise<never>(() => undefined), 200)).rejects.toThrow(
      'no answer from Kafka within the deadline',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
