import { ApiParam, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { PaginationQuery, IsUuid, QueryInt, NestedObject, IsNotBlank, MaxLength } from '@vanguard/http';
import { DAY_YEARS } from '@vanguard/contracts';

const GRADES = ['excellent', 'qualified', 'basically_qualified', 'unqualified'] as const;
const STATUSES = ['self_assessed', 'tallied', 'concluded', 'approved'] as const;

/**
 * A year in a path (2000–2099, the years a report can ask for) as written: exactly four decimal
 * digits, refused with 400 naming the parameter like body validation does.
 */
export function parseYearParam(raw: unknown, field: string): number {
  const year = typeof raw === 'string' && /^\d{4}$/.test(raw) ? Number(raw) : NaN;
  if (!(year >= 2000 && year <= DAY_YEARS.last))
    throw new BadRequestException({
      code: 'REQUEST.INVALID',
      message: `请求参数有误 / invalid request: ${field}: must be a year 2000–${DAY_YEARS.last}`,
      errors: [{ field, reason: `须为 2000–${DAY_YEARS.last} 年 / ${field} must be a year 2000–${DAY_YEARS.last}` }],
    });
  return year;
}

/**
 * The year path parameter `field`, read from the raw path. Not a pipe on `@Param`: the global
 * ValidationPipe (transform) runs first and turns a parameter typed `number` into `Number(raw)`, so
 * "0x7E9", "0b11111101010", "+2026", " 2026" and "2e3" reached the check as years. A custom parameter
 * decorator gets no global pipe (validateCustomDecorators is off), so the check sees what was sent.
 */
export const YearParam = (field = 'year'): ParameterDecorator =>
  createParamDecorator(
    (name: string, ctx: ExecutionContext): number =>
      parseYearParam(ctx.switchToHttp().getRequest<{ params: Record<string, unknown> }>().params[name], name),
    [
      // OpenAPI learns a path parameter from @Param only: say it here.
      (target, key) => {
        if (key !== undefined)
          ApiParam({ name: field, type: 'integer', description: `a year 2000–${DAY_YEARS.last}, four decimal digits`, example: 2011 })(
            target,
            key,
            Object.getOwnPropertyDescriptor(target, key)!,
          );
      },
    ],
  )(field);

export class SelfAssessmentRequest {
  @ApiProperty({ format: 'uuid', description: 'the member’s branch' })
  @IsUuid()
  orgId!: string;

  @ApiProperty({ example: '全年带头完成承诺事项，参加支部活动12次' })
  @IsString()
  @IsNotBlank()
  @MaxLength(8000)
  selfAssessment!: string;

  @ApiProperty({ example: '理论学习还需加强，联系群众不够经常' })
  @IsString()
  @IsNotBlank()
  @MaxLength(8000)
  partySpiritAnalysis!: string;
}

export class GradeTallyRequest {
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000) excellent!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000) qualified!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000) basicallyQualified!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(100_000) unqualified!: number;
}

/** How the ballots judged one of the five models: 达到 / 基本达到 / 未达到 (a ballot may leave it blank). */
export class CriterionTallyRequest {
  @ApiProperty({ minimum: 0, description: '达到' }) @IsInt() @Min(0) @Max(100_000) met!: number;
  @ApiProperty({ minimum: 0, description: '基本达到' }) @IsInt() @Min(0) @Max(100_000) partlyMet!: number;
  @ApiProperty({ minimum: 0, description: '未达到' }) @IsInt() @Min(0) @Max(100_000) notMet!: number;
}

/** 五个模范: each model's ballots; all five when given. */
export class CriteriaTallyRequest {
  @ApiProperty({ type: CriterionTallyRequest, description: '自觉学习的模范' })
  @IsDefined()
  @NestedObject(() => CriterionTallyRequest)
  learning!: CriterionTallyRequest;

  @ApiProperty({ type: CriterionTallyRequest, description: '执行政策的模范' })
  @IsDefined()
  @NestedObject(() => CriterionTallyRequest)
  policy!: CriterionTallyRequest;

  @ApiProperty({ type: CriterionTallyRequest, description: '服务群众的模范' })
  @IsDefined()
  @NestedObject(() => CriterionTallyRequest)
  service!: CriterionTallyRequest;

  @ApiProperty({ type: CriterionTallyRequest, description: '爱岗敬业的模范' })
  @IsDefined()
  @NestedObject(() => CriterionTallyRequest)
  dedication!: CriterionTallyRequest;

  @ApiProperty({ type: CriterionTallyRequest, description: '遵纪守法的模范' })
  @IsDefined()
  @NestedObject(() => CriterionTallyRequest)
  discipline!: CriterionTallyRequest;
}

export class BallotsRequest {
  @ApiProperty({ type: GradeTallyRequest, description: '民主测评票: how many ballots gave each grade' })
  @IsDefined()
  @NestedObject(() => GradeTallyRequest)
  tally!: GradeTallyRequest;

  @ApiPropertyOptional({
    type: CriteriaTallyRequest,
    description:
      '五个模范: how the same ballots judged each model; no model on more ballots than were cast (422 REVIEW.CRITERIA_EXCEED_BALLOTS)',
  })
  @IsOptional()
  @NestedObject(() => CriteriaTallyRequest)
  criteria?: CriteriaTallyRequest;
}

export class ConcludeReviewRequest {
  @ApiProperty({ enum: GRADES, description: '优秀 / 合格 / 基本合格 / 不合格' })
  @IsIn(GRADES)
  grade!: (typeof GRADES)[number];

  @ApiPropertyOptional({
    description: 'required for basically qualified and unqualified; when given, not blank (nor only invisible characters)',
    example: '测评优秀票过半，承诺全部兑现',
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  reason?: string;
}

export class ListReviewsQuery extends PaginationQuery {
  @ApiProperty({ example: 2010 })
  @QueryInt()
  @IsInt()
  @Min(2000)
  @Max(DAY_YEARS.last)
  year!: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'default: the caller’s organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: string;
}

export class ReviewResponse {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() year!: number;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ type: GradeTallyRequest, nullable: true }) tally!: GradeTallyRequest | null;
  @ApiProperty({ type: CriteriaTallyRequest, nullable: true, description: 'the ballots on the five models, when counted' })
  criteria!: CriteriaTallyRequest | null;
  @ApiProperty({ enum: GRADES, nullable: true }) grade!: string | null;
  @ApiProperty() approved!: boolean;
  @ApiProperty() returnedCount!: number;
  @ApiProperty({ description: 'the stream version this view reflects' }) version!: number;
}

export class ReviewPageResponse {
  @ApiProperty({ type: [ReviewResponse] }) items!: ReviewResponse[];
  @ApiProperty() total!: number;
}

export class StreamInputResponse {
  @ApiProperty() streamId!: string;
  @ApiProperty() version!: number;
}

export class EvidenceItemResponse {
  @ApiProperty({ example: 'pledge' }) source!: string;
  @ApiProperty({ example: 'pledge.fulfilled' }) kind!: string;
  @ApiProperty({ description: 'the stream the fact was read from' }) streamId!: string;
  @ApiProperty({ description: 'the stream version read' }) version!: number;
  @ApiProperty({ example: '2010-06-30' }) on!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) facts!: Record<string, unknown>;
}

export class EvidencePackResponse {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() year!: number;
  @ApiProperty({ type: [String], description: 'the evidence sources asked' }) sources!: string[];
  @ApiProperty({ type: [EvidenceItemResponse] }) items!: EvidenceItemResponse[];
  @ApiProperty({ type: [StreamInputResponse], description: 'what a conclusion taken now records as its inputs' })
  inputs!: StreamInputResponse[];
}
