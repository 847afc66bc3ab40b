import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError } from '@vanguard/kernel';

/**
 * Most codes one PDF sheet may carry. Rendering is synchronous on the request thread: 2,000 codes
 * took 64 s wall and 11.9 s CPU (shared 2-core machine), stalling every other request; 200 keep a
 * sheet to about a tenth of that. Larger batches are issued as several sheets, or as JSON.
 */
export const MAX_CODES_PER_SHEET = 200;

export class SheetTooLargeError extends DomainError {
  constructor() {
    super(
      'MASS_EVALUATION.SHEET_TOO_LARGE',
      'rule',
      `一张投票码单最多 ${MAX_CODES_PER_SHEET} 个，请分批发放 / at most ${MAX_CODES_PER_SHEET} codes per PDF sheet; issue several batches`,
    );
  }
}

/**
 * One sheet at a time per user, in this process: a second request while the first is issuing and
 * rendering is refused (429) before any code is issued, so no codes are lost to a refusal.
 */
export class SheetRenderGate {
  private readonly busy = new Set<string>();

  async run<T>(user: string, work: () => Promise<T>): Promise<T> {
    if (this.busy.has(user)) {
      throw new HttpException(
        {
          code: 'LIMIT.TOO_MANY',
          message: '上一张投票码单尚在生成，请稍后再试 / a ballot sheet of yours is still being made; try again when it is done',
          retryAfterSec: 5,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.busy.add(user);
    try {
      return await work();
    } finally {
      this.busy.delete(user);
    }
  }
}
