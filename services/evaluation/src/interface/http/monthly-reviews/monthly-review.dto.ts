import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { orgLevelSchema } from '@vanguard/contracts';
import { FindingDto } from '../comments/comment.dto';
import { IsUuid, NestedObject, NestedObjects, IsNotBlank, MaxLength } from '@vanguard/http';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export class ZoneUnitsUnderDto {
  @ApiProperty({ format: 'uuid', description: 'every organisation strictly below this one joins the zone' }) @IsUuid() orgId!: string;
  @ApiPropertyOptional({ example: 'village', description: 'only organisations of this level' })
  @IsOptional()
  @IsIn(orgLevelSchema.options)
  level?: string;
}

export class DesignateZoneRequest {
  @ApiProperty({ format: 'uuid' }) @IsUuid() campaignId!: string;
  @ApiProperty({ example: '第一片区' }) @IsString() @IsNotBlank() @MaxLength(200) name!: string;
  @ApiProperty({ description: 'Keycloak subject of the guiding leader (联系领导)' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  leader!: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'units named one by one (with `under`, or alone)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUuid('all', { each: true })
  units?: string[];

  @ApiPropertyOptional({
    type: ZoneUnitsUnderDto,
    description: 'and/or every unit below an organisation, read from the tree copy (up to 5,000)',
  })
  @IsOptional()
  @NestedObject(() => ZoneUnitsUnderDto)
  under?: ZoneUnitsUnderDto;

  @ApiProperty({ example: '按地域划分观摩片区' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class OpenMonthlyReviewRequest {
  @ApiProperty({ example: '2011-05' }) @Matches(MONTH, { message: 'month must be YYYY-MM' }) month!: string;
  @ApiPropertyOptional({ description: 'the rubric version (default: the one in force)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  rubricVersion?: number;
  @ApiProperty({ example: '月底集中观摩点评' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class UnitScoreDto {
  @ApiProperty({ format: 'uuid' }) @IsUuid() orgId!: string;
  @ApiProperty({ type: [Number], description: 'one figure per rubric criterion, in the rubric’s order' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(100, { each: true })
  points!: number[];
}

export class RecordScoresRequest {
  @ApiProperty({
    type: [UnitScoreDto],
    maxItems: 1000,
    description: 'one scorer’s batch; a later batch replaces that scorer’s points for a unit',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @NestedObjects(() => UnitScoreDto)
  scores!: UnitScoreDto[];

  @ApiProperty({ example: '现场观摩评分' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class ConcludeMonthlyReviewRequest {
  @ApiProperty({ example: '汇总评分并排名' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class RecordReviewFindingsRequest {
  @ApiProperty({ format: 'uuid', description: 'the unit reviewed, which rectifies' }) @IsUuid() orgId!: string;
  @ApiProperty({ example: '观摩发现的问题' }) @IsString() @IsNotBlank() @MaxLength(4000) summary!: string;
  @ApiProperty({ type: [FindingDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @NestedObjects(() => FindingDto)
  findings!: FindingDto[];

  @ApiProperty({ example: '现场观摩' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class ReviewResultsQuery {
  @ApiProperty({ format: 'uuid', description: 'the unit assessed' }) @IsUuid() orgId!: string;
  @ApiProperty({ example: '2011', description: 'the assessment period (a year)' })
  @Matches(/^\d{4}$/, { message: 'period must be YYYY' })
  period!: string;
}
