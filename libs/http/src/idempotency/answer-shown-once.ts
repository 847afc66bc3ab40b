import { SetMetadata } from '@nestjs/common';

export const ANSWER_SHOWN_ONCE = 'vanguard:idempotency/answer-shown-once';

/**
 * A route whose answer is a secret the caller sees this once (one-time ballot codes): an
 * `Idempotency-Key` still makes a copy run nothing, but the answer is never kept to be sent again,
 * so the key's row holds no secret for its 24 h and a copy hears 409 `IDEMPOTENCY.NOT_REPLAYABLE`,
 * as it does for a file. ADR 0072.
 */
export const AnswerShownOnce = () => SetMetadata(ANSWER_SHOWN_ONCE, true);
