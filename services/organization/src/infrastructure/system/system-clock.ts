import { Injectable } from '@nestjs/common';
import { chinaDayOf } from '@vanguard/kernel';
import type { Clock } from '../../application/ports/clock.port';
import type { Day } from '../../domain/shared/day';

@Injectable()
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
  /**
   * The day in China, as the other services' clocks read it: the UTC day was yesterday's from
   * 00:00 to 08:00 there, so a member who joined today was refused as joining in the future and a
   * leaving was dated the day before (a hostile probe).
   */
  today(): Day {
    return chinaDayOf(new Date());
  }
}
