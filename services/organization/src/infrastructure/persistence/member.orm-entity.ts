import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'members' })
export class MemberOrmEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'org_id' }) orgId!: string;
  @Column('text') name!: string;
  @Column('text') status!: string;
  @Column('date', { name: 'joined_on' }) joinedOn!: string;
  @Column('text', { array: true }) roles!: string[];
  @Column('text', { array: true }) posts!: string[];
  /** AES-256-GCM sealed; never clear text at rest. */
  @Column('text', { name: 'id_number_enc', nullable: true }) idNumberEnc!: string | null;
  @Column('text', { name: 'phone_enc', nullable: true }) phoneEnc!: string | null;
  /** HMAC blind index of the ID number, for duplicate detection. */
  @Column('text', { name: 'id_number_hash', nullable: true }) idNumberHash!: string | null;
  @Column('text') membership!: string;
  @Column('integer') version!: number;
}

@Entity({ name: 'member_history' })
export class MemberHistoryOrmEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'member_id' }) memberId!: string;
  @Column('date', { name: 'on_day' }) onDay!: string;
  @Column('text') kind!: string;
  @Column('uuid', { name: 'org_id' }) orgId!: string;
  @Column('text', { nullable: true }) detail!: string | null;
}
