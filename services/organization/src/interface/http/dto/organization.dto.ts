import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import type { OrganizationView } from '../../../application/ports/organization-read-model.port';
import {
  ORG_KINDS,
  ORG_LEVELS,
  ORG_STATUSES,
  SECTORS,
  type OrgKind,
  type OrgLevel,
  type OrgStatus,
  type Sector,
} from '../../../domain/organization/organization.vocabulary';
import { PageQueryDto } from './page.dto';
import { IsDay, IsUuid, IsNotBlank, MaxLength } from '@vanguard/http';
import { PUBLISHED_REASON_VALIDATOR } from '../../../domain/shared/published-reason.rule';

const CODE = /^[0-9]{2,30}$/;

export class RegisterOrganizationRequest {
  @ApiPropertyOptional({ description: 'client-chosen id (idempotent imports); generated when absent', format: 'uuid' })
  @IsOptional()
  @IsUuid()
  id?: string;

  @ApiProperty({ example: '910425101', description: 'hierarchical code: the parent’s code followed by own digits' })
  @Matches(CODE, { message: 'code must be 2–30 digits' })
  code!: string;

  @ApiProperty({ example: '白桦镇党委' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: ORG_LEVELS })
  @IsIn(ORG_LEVELS)
  level!: OrgLevel;

  @ApiProperty({ enum: ORG_KINDS })
  @IsIn(ORG_KINDS)
  kind!: OrgKind;

  @ApiProperty({ enum: SECTORS })
  @IsIn(SECTORS)
  sector!: Sector;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null only for a province (admin)' })
  @IsOptional()
  @IsUuid()
  parentId!: string | null;

  @ApiProperty({ example: '2010-07-01' })
  @IsDay('establishedOn')
  establishedOn!: string;

  @ApiPropertyOptional({ default: false, description: '临时党组织' })
  @IsOptional()
  @IsBoolean()
  temporary?: boolean;
}

export class RenameOrganizationRequest {
  @ApiProperty()
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;
}

export class MoveOrganizationRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  parentId!: string;

  @ApiPropertyOptional({ description: 'new code; defaults to the new parent’s code + the own segment' })
  @IsOptional()
  @Matches(CODE, { message: 'code must be 2–30 digits' })
  code?: string;
}

export class MergeOrganizationRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  survivingOrganizationId!: string;
}

export class DissolveOrganizationRequest {
  @ApiPropertyOptional({ description: 'published in clear: no ID-card or phone number, however written' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @ValidateBy(PUBLISHED_REASON_VALIDATOR)
  reason?: string;
}

export class ListOrganizationsQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'root of the subtree; defaults to your own organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;

  @ApiPropertyOptional({ enum: ORG_LEVELS })
  @IsOptional()
  @IsIn(ORG_LEVELS)
  level?: OrgLevel;

  @ApiPropertyOptional({ enum: SECTORS })
  @IsOptional()
  @IsIn(SECTORS)
  sector?: Sector;

  @ApiPropertyOptional({ enum: ORG_STATUSES })
  @IsOptional()
  @IsIn(ORG_STATUSES)
  status?: OrgStatus;

  @ApiPropertyOptional({ enum: ORG_KINDS })
  @IsOptional()
  @IsIn(ORG_KINDS)
  kind?: OrgKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'only direct children of this organisation' })
  @IsOptional()
  @IsUuid()
  parentId?: string;
}

export class OrganizationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ORG_LEVELS }) level!: OrgLevel;
  @ApiProperty({ enum: ORG_KINDS }) kind!: OrgKind;
  @ApiProperty({ enum: SECTORS }) sector!: Sector;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentId!: string | null;
  @ApiProperty({ type: [String], description: 'ids from the root down to this organisation' }) path!: string[];
  @ApiProperty() establishedOn!: string;
  @ApiProperty() temporary!: boolean;
  @ApiProperty({ enum: ORG_STATUSES }) status!: OrgStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) mergedIntoId!: string | null;

  static of(v: OrganizationView): OrganizationResponse {
    return Object.assign(new OrganizationResponse(), {
      id: v.id,
      code: v.code,
      name: v.name,
      level: v.level,
      kind: v.kind,
      sector: v.sector,
      parentId: v.parentId,
      path: [...v.path],
      establishedOn: v.establishedOn,
      temporary: v.temporary,
      status: v.status,
      mergedIntoId: v.mergedIntoId,
    });
  }
}

export class OrganizationPageResponse {
  @ApiProperty({ type: [OrganizationResponse] }) items!: OrganizationResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CreatedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export const booleanQuery = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));
