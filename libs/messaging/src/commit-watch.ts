import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a request's statements may have committed so far: `committed` once an answered statement
 * said it applied; `unanswered` counts those sent without an answer saying whether they did (a
 * connection dropped, a COMMIT lost, or any failure: not told apart, so taken as may have).
 */
export interface CommitWatch {
  committed: boolean;
  unanswered: number;
}

const watches = new AsyncLocalStorage<CommitWatch>();

/**
 * Runs `work` watching what it commits (ADR 0072): a keyed request that failed because the
 * database was out of reach is free to be sent again with its key only if nothing it ran may
 * have committed. Statements sent from `work`'s asynchronous continuations are counted too.
 */
export function watchingCommits<T>(watch: CommitWatch, work: () => T): T {
  return watches.run(watch, work);
}

export const newCommitWatch = (): CommitWatch => ({ committed: false, unanswered: 0 });

export const mayHaveCommitted = (watch: CommitWatch): boolean => watch.committed || watch.unanswered > 0;

/**
 * Sends a statement that may commit (a COMMIT, an autocommit write). Until its answer comes it
 * counts as committed; `applied` reads from the answer whether it did (a guarded write that
 * found a change did not). Outside a watch it only sends.
 */
export async function mayCommit<T>(send: () => Promise<T>, applied: (answer: T) => boolean = () => true): Promise<T> {
  const watch = watches.getStore();
  if (!watch) return send();
  watch.unanswered++;
  const answer = await send();
  watch.unanswered--;
  if (applied(answer)) watch.committed = true;
  return answer;
}
