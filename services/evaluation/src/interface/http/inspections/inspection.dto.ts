import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateIf } from 'class-validator';
import { orgLevelSchema } from '@vanguard/contracts';
import { IsNotBlank, IsUuid, NestedObject, NestedObjects, PaginationQuery, MaxLength } from '@vanguard/http';
import { FindingDto } from '../comments/comment.dto';

export class InspectionGroupDto {
  @ApiProperty({ example: '旗委第一督导检查组' }) @IsString() @IsNotBlank() @MaxLength(200) name!: string;
  @ApiProperty({ description: 'Keycloak subject of the group leader, one of the members' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  leader!: string;

  @ApiProperty({ type: [String], description: 'Keycloak subjects of the members, the leader included' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @IsString({ each: true })
  @IsNotBlank({ each: true })
  @MaxLength(200, { each: true })
  members!: string[];

  @ApiProperty({ format: 'uuid', description: 'the root of the subtree the group inspects' }) @IsUuid() scopeOrgId!: string;
}

export class LaunchInspectionRequest {
  @ApiProperty({ example: '“三会一课”制度落实情况' }) @IsString() @IsNotBlank() @MaxLength(500) topic!: string;

  @ApiProperty({ type: InspectionGroupDto }) @NestedObject(() => InspectionGroupDto) group!: InspectionGroupDto;

  @ApiProperty({ enum: ['special', 'random'], description: '专项检查 names its units; 随机抽查 has the system draw `count` of them' })
  @IsIn(['special', 'random'])
  kind!: 'special' | 'random';

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'special: the units to inspect' })
  @ValidateIf((r: LaunchInspectionRequest) => r.kind === 'special')
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsUuid('all', { each: true })
  units?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 200, description: 'random: how many units to draw' })
  @ValidateIf((r: LaunchInspectionRequest) => r.kind === 'random')
  @IsInt()
  @Min(1)
  @Max(200)
  count?: number;

  @ApiPropertyOptional({ example: 'village', description: 'random: draw only organisations of this level' })
  @IsOptional()
  @IsIn(orgLevelSchema.options)
  level?: string;

  @ApiProperty({ example: '年度督导检查计划' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class InspectionLaunchedResponse {
  @ApiProperty({ format: 'uuid' }) inspectionId!: string;
  @ApiProperty({ type: [String], description: 'the units to inspect (drawn, for a random inspection)' }) units!: string[];
  @ApiProperty() version!: number;
}

export class RecordInspectionFindingsRequest {
  @ApiProperty({ format: 'uuid', description: 'the unit inspected, which rectifies' }) @IsUuid() orgId!: string;
  @ApiProperty({ example: '现场检查发现的问题' }) @IsString() @IsNotBlank() @MaxLength(4000) summary!: string;

  @ApiProperty({ type: [FindingDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @NestedObjects(() => FindingDto)
  findings!: FindingDto[];

  @ApiProperty({ example: '现场查阅会议记录' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class DrawReplayResponse {
  @ApiProperty({ description: 'the algorithm the draw recorded' }) algorithm!: string;
  @ApiProperty() seed!: string;
  @ApiProperty({ description: 'how many candidates the draw recorded' }) candidates!: number;
  @ApiProperty({ type: [String], description: 'the units recorded' }) recorded!: string[];
  @ApiProperty({ type: [String], description: 'the units the recorded seed and candidates give again' }) replayed!: string[];
  @ApiProperty() matches!: boolean;
}

export class ListInspectionsQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'default: the caller’s organisation; must lie within it (403 otherwise)' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;
}

class InspectionGroupSummary {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Keycloak subject of the group leader' }) leader!: string;
  @ApiProperty({ format: 'uuid' }) scopeOrgId!: string;
}

export class InspectionSummaryResponse {
  @ApiProperty({ format: 'uuid' }) inspectionId!: string;
  @ApiProperty({ enum: ['special', 'random'] }) kind!: 'special' | 'random';
  @ApiProperty() topic!: string;
  @ApiProperty({ example: '2011-06-01' }) launchedOn!: string;
  @ApiProperty({ type: InspectionGroupSummary }) group!: InspectionGroupSummary;
  @ApiProperty({ description: 'units it inspects' }) units!: number;
  @ApiProperty({ description: 'units at which findings were recorded' }) unitsWithFindings!: number;
  @ApiProperty() version!: number;
}

export class InspectionPageResponse {
  @ApiProperty({ type: [InspectionSummaryResponse] }) items!: InspectionSummaryResponse[];
  @ApiProperty() total!: number;
}
