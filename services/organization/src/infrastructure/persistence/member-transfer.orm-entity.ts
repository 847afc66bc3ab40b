import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'member_transfers' })
export class MemberTransferOrmEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'member_id' }) memberId!: string;
  @Column('uuid', { name: 'from_org_id' }) fromOrgId!: string;
  @Column('uuid', { name: 'to_org_id' }) toOrgId!: string;
  @Column('date', { name: 'requested_on' }) requestedOn!: string;
  @Column('date') deadline!: string;
  @Column('text') status!: string;
  @Column('date', { name: 'decided_on', nullable: true }) decidedOn!: string | null;
  @Column('date', { name: 'completed_on', nullable: true }) completedOn!: string | null;
  @Column('date', { name: 'cancelled_on', nullable: true }) cancelledOn!: string | null;
  @Column('text', { nullable: true }) reason!: string | null;
  @Column('integer') version!: number;
}
