export const CLOCK = Symbol('Clock');
export const ID_GENERATOR = Symbol('IdGenerator');

/** Time comes in through a port, so tests stop it on a day. */
export interface Clock {
  now(): Date;
  /** Today in China time (Asia/Shanghai), `YYYY-MM-DD`. */
  today(): string;
}

export interface IdGenerator {
  newId(): string;
}
