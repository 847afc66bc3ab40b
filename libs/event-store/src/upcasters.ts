import type { EventEnvelope } from '@vanguard/contracts';

/**
 * Reads an old event shape as the next version: `type@from` becomes `type@from+1`.
 * Stored rows never change (they are hashed); upcasting happens on every read.
 */
export interface Upcaster<TFrom = unknown, TTo = unknown> {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: TFrom, event: EventEnvelope<TFrom>): TTo;
}

export class Upcasters {
  private readonly byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const u of upcasters) {
      const key = `${u.type}@${u.fromVersion}`;
      if (this.byKey.has(key)) throw new Error(`two upcasters for ${key}`);
      this.byKey.set(key, u);
    }
  }

  get isEmpty(): boolean {
    return this.byKey.size === 0;
  }

  /** Applies upcasters one version at a time until none matches. */
  apply<E extends EventEnvelope>(event: E): E {
    if (this.byKey.size === 0) return event;
    let current = event;
    for (let u = this.byKey.get(`${current.type}@${current.version}`); u; u = this.byKey.get(`${current.type}@${current.version}`)) {
      current = { ...current, version: current.version + 1, data: u.upcast(current.data, current) };
    }
    return current;
  }
}
