import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'contact_points' })
export class ContactPointOrmEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'org_id' }) orgId!: string;
  @Column('uuid', { name: 'leader_id' }) leaderId!: string;
  @Column('text', { name: 'leader_name' }) leaderName!: string;
  @Column('date', { name: 'established_on' }) establishedOn!: string;
}

@Entity({ name: 'contact_point_visits' })
export class ContactPointVisitOrmEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('uuid', { name: 'contact_point_id' }) contactPointId!: string;
  @Column('date', { name: 'visited_on' }) visitedOn!: string;
  @Column('text') visited!: string;
  @Column('text') solved!: string;
}
