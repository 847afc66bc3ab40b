import { Injectable } from '@nestjs/common';
import type { Clock } from '../../application/ports/clock.port';
import { dayOf, type Day } from '../../domain/shared/day';

@Injectable()
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
  today(): Day {
    return dayOf(new Date());
  }
}
