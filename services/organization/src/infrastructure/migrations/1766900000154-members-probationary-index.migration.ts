import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /members?probation=due|overdue` (ADR 0154) lists active probationary members in id order. No
 * index held status or joining day, so the list read every member of the subtree, page after page —
 * all three million of the province's for an overdue list that is, when all is well, empty. About
 * one member in twenty is probationary; the partial index holds only them, in the list's order.
 */
export class MembersProbationaryIndex1766900000154 implements MigrationInterface {
  name = 'MembersProbationaryIndex1766900000154';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index members_probationary_idx on members (id) include (joined_on, org_id)
      where status = 'probationary' and membership = 'active'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists members_probationary_idx`);
  }
}
