import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PaginationQuery, IsNotBlank, IsUuid, NestedObject, MaxLength } from '@vanguard/http';

const TIERS = ['advanced', 'middle', 'lagging'] as const;
const PERIOD = /^20\d{2}$/;
const PERIOD_MESSAGE = 'period must be a year YYYY (2000–2099)';

/** 五个好: 0–20 points each. */
export class ScoresDto {
  @ApiProperty({ minimum: 0, maximum: 20, description: '领导班子好' }) @IsInt() @Min(0) @Max(20) leadership!: number;
  @ApiProperty({ minimum: 0, maximum: 20, description: '党员队伍好' }) @IsInt() @Min(0) @Max(20) membership!: number;
  @ApiProperty({ minimum: 0, maximum: 20, description: '工作机制好' }) @IsInt() @Min(0) @Max(20) mechanism!: number;
  @ApiProperty({ minimum: 0, maximum: 20, description: '发展业绩好' }) @IsInt() @Min(0) @Max(20) performance!: number;
  @ApiProperty({ minimum: 0, maximum: 20, description: '群众反映好' }) @IsInt() @Min(0) @Max(20) reputation!: number;
}

export class AssessOrganizationRequest {
  @ApiProperty({ example: '2011', description: 'the year assessed' })
  @IsString()
  @Matches(PERIOD, { message: PERIOD_MESSAGE })
  period!: string;

  @ApiProperty({ type: ScoresDto })
  @IsDefined()
  @NestedObject(() => ScoresDto)
  scores!: ScoresDto;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the organisation’s closed mass-evaluation window of the year, weighed from rule version 2',
  })
  @IsOptional()
  @IsUuid()
  satisfactionWindowId?: string;

  @ApiPropertyOptional({
    description:
      'instead of a window: the county system’s paper count of the organisation for the year (county.MassEvaluationTallied, stream mass-tally-<orgId>-<period>)',
  })
  @IsOptional()
  @IsBoolean()
  satisfactionCountyTally?: boolean;

  @ApiPropertyOptional({ example: '年度考评', description: 'when given, not blank (nor only invisible characters)' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  reason?: string;
}

export class PeriodQuery {
  @ApiProperty({ example: '2011' })
  @IsString()
  @Matches(PERIOD, { message: PERIOD_MESSAGE })
  period!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'default: the caller’s organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;
}

export class ListAssessmentsQuery extends IntersectionType(PeriodQuery, PaginationQuery) {}

class RuleRefResponse {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
}

export class AssessmentResponse {
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ type: ScoresDto }) scores!: ScoresDto;
  @ApiProperty() total!: number;
  @ApiProperty({ enum: TIERS, description: '先进 / 中间 / 后进' }) tier!: string;
  @ApiProperty({ minimum: 1, maximum: 5 }) starRating!: number;
  @ApiProperty({ type: RuleRefResponse }) rule!: RuleRefResponse;
  @ApiProperty({ enum: TIERS, nullable: true }) previousTier!: string | null;
  @ApiProperty() version!: number;
}

export class AssessmentPageResponse {
  @ApiProperty({ type: [AssessmentResponse] }) items!: AssessmentResponse[];
  @ApiProperty() total!: number;
}

class TierChangeResponse {
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ enum: TIERS }) from!: string;
  @ApiProperty({ enum: TIERS }) to!: string;
  @ApiProperty({ enum: ['up', 'down'] }) direction!: string;
}

class ByTierResponse {
  @ApiProperty() advanced!: number;
  @ApiProperty() middle!: number;
  @ApiProperty() lagging!: number;
}

export class TierChangeReportResponse {
  @ApiProperty({ format: 'uuid' }) subtreeOf!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ description: 'organisations assessed in the period' }) assessed!: number;
  @ApiProperty({ description: '晋档 / moved up' }) up!: number;
  @ApiProperty({ description: 'moved down' }) down!: number;
  @ApiProperty({ type: ByTierResponse }) byTier!: ByTierResponse;
  @ApiProperty({ type: [TierChangeResponse] }) changes!: TierChangeResponse[];
}

class TierOutcomeResponse {
  @ApiProperty({ enum: TIERS }) tier!: string;
  @ApiProperty() starRating!: number;
}

export class AssessmentReplayResponse {
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ type: RuleRefResponse, description: 'the recorded rule version, replayed as recorded' }) rule!: RuleRefResponse;
  @ApiProperty({ type: TierOutcomeResponse }) recorded!: TierOutcomeResponse;
  @ApiProperty({ type: TierOutcomeResponse }) replayed!: TierOutcomeResponse;
  @ApiProperty({ nullable: true, type: Number }) satisfactionPermille!: number | null;
  @ApiProperty() matches!: boolean;
}
