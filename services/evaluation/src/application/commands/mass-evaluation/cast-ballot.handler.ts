import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isBlankText } from '@vanguard/kernel';
import { CLOCK, type ClockPort } from '../../ports/clock.port';
import { BALLOT_BOX, type BallotBoxPort, type Rating } from './ballot-box.port';

/**
 * One answer for an unknown code, a used code, a code of a closed or not yet open window and
 * an unknown window: a caller learns nothing about which (no oracle).
 */
export class BallotRefusedError extends DomainError {
  constructor() {
    super(
      'BALLOT.CODE_REFUSED',
      'forbidden',
      '投票码无效、已使用或评议未在进行 / this code cannot vote (not valid, used, or voting is not open)',
    );
  }
}

// C0/C1 controls (a newline and a tab stay), bidi overrides and isolates, zero-width marks:
// nothing a plain-text comment needs, and each can disguise what a reader sees.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Longest comment, in Unicode code points — the unit Postgres' char_length checks in the ballot table.
 * (UTF-16 units would count an emoji twice; class-validator's MaxLength counts a surrogate pair once
 * but also drops variation selectors, so neither matches what is stored.)
 */
export const MAX_COMMENT_CODE_POINTS = 500;

/** Code points of a comment after NFC normalisation, the length that sanitiseComment keeps. */
export const commentLength = (comment: string): number => [...comment.normalize('NFC')].length;

/** A ballot's comment as stored: plain text, normalised (NFC), invisible characters dropped, trimmed; blank is none. */
export function sanitiseComment(comment: string | null): string | null {
  if (comment === null) return null;
  const clean = comment.normalize('NFC').replace(INVISIBLE, '').trim();
  // The request was validated with commentLength, and dropping characters only shortens: refuse rather
  // than cut if that ever stops holding, so no voter's words are silently lost.
  if ([...clean].length > MAX_COMMENT_CODE_POINTS) throw new CommentTooLongError();
  // Only Braille or Hangul blanks, or spaces of other kinds, show as no comment: stored as none.
  return isBlankText(clean) ? null : clean;
}

export class CommentTooLongError extends DomainError {
  constructor() {
    super(
      'BALLOT.COMMENT_TOO_LONG',
      'invalid',
      `意见建议不得超过 ${MAX_COMMENT_CODE_POINTS} 字 / comment: at most ${MAX_COMMENT_CODE_POINTS} characters`,
    );
  }
}

/** 投票: no account, no voter, one ballot per code. */
@Injectable()
export class CastBallotHandler {
  constructor(
    @Inject(BALLOT_BOX) private readonly box: BallotBoxPort,
    @Inject(CLOCK) private readonly clock: ClockPort,
  ) {}

  async execute(windowId: string, code: string, rating: Rating, comment: string | null): Promise<void> {
    const counted = await this.box.cast(windowId, code, { rating, comment: sanitiseComment(comment) }, this.clock.today());
    if (!counted) throw new BallotRefusedError();
  }
}
