import type { Pool } from 'pg';
import { decryptPersonal, encryptedSubjects, ENCRYPTED_KEY, type SubjectKey } from './personal-data';
import type { PersonalKeys } from './personal-keys';
import type { EventRow } from './store-statements';
import type { RecordedEvent } from './types';
import type { Upcasters } from './upcasters';

/**
 * Stored rows to recorded events: parsed from the hashed text itself, personal values
 * decrypted (unless the store withholds them), upcast to the current event versions.
 */
export class EventRows {
  constructor(
    private readonly pool: Pool,
    private readonly personalKeys: PersonalKeys | null,
    private readonly upcasters: Upcasters,
  ) {}

  /** `used` collects the key (or null: forgotten) of every subject whose values were decrypted. */
  async toEvents(rows: EventRow[], raw: boolean, used?: Map<string, SubjectKey | null>): Promise<RecordedEvent[]> {
    const out = new Array<RecordedEvent>(rows.length);
    let encrypted = false;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (!raw && !encrypted && r.canonical.includes(ENCRYPTED_KEY)) encrypted = true;
      const e = JSON.parse(r.canonical) as Mutable<RecordedEvent>;
      e.position = Number(r.position);
      e.transactionId = r.transaction_id;
      e.prevHash = r.prev_hash;
      e.hash = r.hash;
      out[i] = e;
    }
    if (raw) return out;
    if (encrypted && this.personalKeys) await this.decrypt(out, used);
    if (!this.upcasters.isEmpty) for (let i = 0; i < out.length; i++) out[i] = this.upcasters.apply(out[i]!);
    return out;
  }

  private async decrypt(events: RecordedEvent[], used?: Map<string, SubjectKey | null>): Promise<void> {
    const subjects = new Set<string>();
    for (const e of events) {
      encryptedSubjects(e.data, subjects);
      encryptedSubjects(e.metadata, subjects);
    }
    if (subjects.size === 0) return;
    const keys = await this.personalKeys!.forRead(this.pool, [...subjects]);
    if (used) for (const [subject, key] of keys) used.set(subject, key);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      const data = decryptPersonal(e.data, keys);
      const metadata = e.metadata === undefined ? undefined : (decryptPersonal(e.metadata, keys) as RecordedEvent['metadata']);
      if (data !== e.data || metadata !== e.metadata) events[i] = { ...e, data, ...(metadata === undefined ? {} : { metadata }) };
    }
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
