import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { shanghaiDayOf } from '../../domain/shared/day';
import type { Clock, IdGenerator } from '../../application/ports/system.port';

@Injectable()
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
  today(): string {
    return shanghaiDayOf(new Date());
  }
}

@Injectable()
export class UuidIdGenerator implements IdGenerator {
  newId(): string {
    return randomUUID();
  }
}
