import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'organizations' })
export class OrganizationOrmEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') code!: string;
  @Column('text') name!: string;
  @Column('text') level!: string;
  @Column('text') kind!: string;
  @Column('text') sector!: string;
  @Column('uuid', { name: 'parent_id', nullable: true }) parentId!: string | null;
  /** `/<root id>/…/<own id>/` */
  @Column('text') path!: string;
  @Column('smallint') depth!: number;
  @Column('date', { name: 'established_on' }) establishedOn!: string;
  @Column('boolean') temporary!: boolean;
  @Column('text') status!: string;
  @Column('uuid', { name: 'merged_into_id', nullable: true }) mergedIntoId!: string | null;
  @Column('integer') version!: number;
}
