import { Injectable } from '@nestjs/common';
import type { ClockPort } from '../../application/ports/clock.port';

/** China Standard Time has no daylight saving: the day there is UTC + 8 h. */
const CHINA_OFFSET_MS = 8 * 3600_000;

@Injectable()
export class SystemClock implements ClockPort {
  now(): Date {
    return new Date();
  }
  today(): string {
    return new Date(Date.now() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
  }
}
