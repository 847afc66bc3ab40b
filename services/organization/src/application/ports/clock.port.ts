import type { Day } from '../../domain/shared/day';

export const CLOCK = Symbol('Clock');
export interface Clock {
  now(): Date;
  today(): Day;
}
