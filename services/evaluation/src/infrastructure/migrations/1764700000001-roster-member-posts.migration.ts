import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 亮牌示范 on the window unit's public page (issue 13): the roster keeps the vanguard posts a member
 * holds (MemberState `posts`). Null until the member's state record is applied again — rows applied
 * before this column knew no posts; the roster consumer's new group re-reads the compacted topic and
 * fills them (ADR 0052).
 */
export class RosterMemberPosts1764700000001 implements MigrationInterface {
  readonly name = 'RosterMemberPosts1764700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table roster_members add column if not exists posts text[]`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table roster_members drop column if exists posts`);
  }
}
