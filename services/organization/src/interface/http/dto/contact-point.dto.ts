import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, ValidateBy } from 'class-validator';
import type { ContactPointView, VisitView } from '../../../application/ports/organization-read-model.port';
import { noPersonalNumbersIn } from '../../../domain/shared/published-reason.rule';
import { booleanQuery } from './organization.dto';
import { PageQueryDto } from './page.dto';
import { IsDay, IsUuid, IsNotBlank, MaxLength } from '@vanguard/http';

export class EstablishContactPointRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  orgId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the leading cadre; defaults to the caller' })
  @IsOptional()
  @IsUuid()
  leaderId?: string;

  @ApiProperty({ example: '李建国' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  @ValidateBy(noPersonalNumbersIn('leaderName'))
  leaderName!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsDay('establishedOn')
  establishedOn?: string;
}

export class LogVisitRequest {
  @ApiProperty({ example: '2011-05-12' })
  @IsDay('visitedOn')
  visitedOn!: string;

  @ApiProperty({ description: 'who was visited', example: '困难党员王某家' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  @ValidateBy(noPersonalNumbersIn('visited'))
  visited!: string;

  @ApiProperty({ description: 'what was solved', example: '协调解决饮水井维修' })
  @IsString()
  @IsNotBlank()
  @MaxLength(1500)
  @ValidateBy(noPersonalNumbersIn('solved'))
  solved!: string;
}

export class ListContactPointsQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;

  @ApiPropertyOptional({ description: 'only contact points with no visit in the last 30 days' })
  @IsOptional()
  @booleanQuery()
  @IsBoolean()
  withoutVisitInLastMonth?: boolean;
}

export class ContactPointResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() orgName!: string;
  @ApiProperty({ format: 'uuid' }) leaderId!: string;
  @ApiProperty() leaderName!: string;
  @ApiProperty() establishedOn!: string;
  @ApiProperty({ nullable: true, type: String }) lastVisitOn!: string | null;
  @ApiProperty() visitCount!: number;

  static of(v: ContactPointView): ContactPointResponse {
    const { id, orgId, orgName, leaderId, leaderName, establishedOn, lastVisitOn, visitCount } = v;
    return Object.assign(new ContactPointResponse(), { id, orgId, orgName, leaderId, leaderName, establishedOn, lastVisitOn, visitCount });
  }
}

export class VisitResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() visitedOn!: string;
  @ApiProperty() visited!: string;
  @ApiProperty() solved!: string;
}

export class ContactPointDetailResponse extends ContactPointResponse {
  @ApiProperty({ type: [VisitResponse] }) visits!: VisitResponse[];

  static detail(v: ContactPointView & { visits: VisitView[] }): ContactPointDetailResponse {
    return Object.assign(new ContactPointDetailResponse(), ContactPointResponse.of(v), {
      visits: v.visits.map(({ id, visitedOn, visited, solved }) => ({ id, visitedOn, visited, solved })),
    });
  }
}

export class ContactPointPageResponse {
  @ApiProperty({ type: [ContactPointResponse] }) items!: ContactPointResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
