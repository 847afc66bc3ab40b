import { Injectable } from '@nestjs/common';
import { chinaDayOf } from '@vanguard/kernel';
import type { ClockPort } from '../../application/ports/clock.port';

@Injectable()
export class SystemClock implements ClockPort {
  now(): Date {
    return new Date();
  }
  today(): string {
    return chinaDayOf(new Date());
  }
}
