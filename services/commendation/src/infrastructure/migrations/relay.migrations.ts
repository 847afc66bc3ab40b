import type { MigrationInterface, QueryRunner } from 'typeorm';
import { relayDeadLetterDdl } from '@vanguard/messaging';

/** Where the relay keeps the events it refuses to publish (ADR 0020), owned by the service role before anyone looks. */
class RelayDeadLetters1765010000000 implements MigrationInterface {
  readonly name = 'RelayDeadLetters1765010000000';
  async up(q: QueryRunner): Promise<void> {
    for (const ddl of relayDeadLetterDdl()) await q.query(ddl);
  }
  async down(): Promise<void> {
    // Refused events are evidence of a fault; keep them.
  }
}

/** The relay slice's read side; timestamps from 1765010000000 up, oldest first. */
export const relayMigrations: (new () => MigrationInterface)[] = [RelayDeadLetters1765010000000];
