import type { MigrationInterface, QueryRunner } from 'typeorm';

// The reasons as MemberTransfer's TRANSFER_ENDINGS said them when this ran: a migration's SQL is
// checksummed, so it keeps its own copy rather than following later edits of the domain's.
const MEMBER_LEFT = '党员已离开党组织，转接随之终止 / the member left the party organisation; the transfer ended with it';
const MERGED_INTO_ONE =
  '转出组织与接收组织已合并为同一组织，无需再转接 / the sending and receiving organisations merged into one; there is nothing left to transfer';
const RECEIVER_DISSOLVED = '接收组织已撤销，转接终止 / the receiving organisation was dissolved; the transfer ended';

/**
 * A transfer can end without a decision (ADR 0120): `cancelled`, with the day and the reason.
 * Transfers left stuck by the code before are put right once: the side of an open transfer whose
 * organisation merged becomes the survivor's (along a chain of mergers to the last one), then an
 * open transfer whose member left, whose two sides are now one organisation, or whose receiver
 * was dissolved ends as the commands now end it.
 */
export class TransfersEnd1766400000120 implements MigrationInterface {
  name = 'TransfersEnd1766400000120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table member_transfers drop constraint member_transfers_status_check`);
    await q.query(
      `alter table member_transfers add constraint member_transfers_status_check
         check (status in ('requested','accepted','rejected','completed','cancelled'))`,
    );
    await q.query(`alter table member_transfers add column cancelled_on date`);
    await q.query(
      `alter table member_transfers add constraint member_transfers_cancelled_on_check
         check ((status = 'cancelled') = (cancelled_on is not null))`,
    );
    await q.query(`
      with recursive heirs(id, heir) as (
        select id, merged_into_id from organizations where status = 'merged' and merged_into_id is not null
        union
        select h.id, o.merged_into_id
          from heirs h join organizations o on o.id = h.heir
         where o.status = 'merged' and o.merged_into_id is not null
      ),
      last_heir as (
        select h.id, h.heir from heirs h join organizations o on o.id = h.heir where o.status <> 'merged'
      )
      update member_transfers t
         set from_org_id = coalesce((select l.heir from last_heir l where l.id = t.from_org_id), t.from_org_id),
             to_org_id = coalesce((select l.heir from last_heir l where l.id = t.to_org_id), t.to_org_id),
             version = t.version + 1
       where t.status in ('requested','accepted')
         and exists (select 1 from last_heir l where l.id in (t.from_org_id, t.to_org_id))`);
    await q.query(
      `update member_transfers t
          set status = 'cancelled',
              cancelled_on = (now() at time zone 'Asia/Shanghai')::date,
              reason = case when m.membership <> 'active' then $1 when t.from_org_id = t.to_org_id then $2 else $3 end,
              version = t.version + 1
         from members m, organizations r
        where m.id = t.member_id and r.id = t.to_org_id and t.status in ('requested','accepted')
          and (m.membership <> 'active' or t.from_org_id = t.to_org_id or r.status = 'dissolved')`,
      [MEMBER_LEFT, MERGED_INTO_ONE, RECEIVER_DISSOLVED],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table member_transfers drop constraint member_transfers_cancelled_on_check`);
    await q.query(`update member_transfers set status = 'rejected', decided_on = cancelled_on where status = 'cancelled'`);
    await q.query(`alter table member_transfers drop column cancelled_on`);
    await q.query(`alter table member_transfers drop constraint member_transfers_status_check`);
    await q.query(
      `alter table member_transfers add constraint member_transfers_status_check
         check (status in ('requested','accepted','rejected','completed'))`,
    );
  }
}
