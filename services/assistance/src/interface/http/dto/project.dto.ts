import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ballotSchema, fundSourceSchema, projectCategorySchema, projectStatusSchema } from '@vanguard/contracts';
import { PaginationQuery, IsUuid, IsNotBlank, MaxLength } from '@vanguard/http';
import { MAX_AMOUNT_FEN } from '../../../domain/shared/money.rules';
import { IsDay } from './common.dto';

const CATEGORIES = projectCategorySchema.options;
const SOURCES = fundSourceSchema.options;
// The domain's cap (money.rules.ts), so the edge answers 400 naming the field before any work.
const FEN_MAX = MAX_AMOUNT_FEN;

export class PlanProjectRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  villageId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the pairing the project serves, with the same village' })
  @IsOptional()
  @IsUuid()
  pairingId?: string;

  @ApiProperty({ example: '红石村主干道硬化' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: CATEGORIES, description: '十方面实事 (seed 000)' })
  @IsIn(CATEGORIES)
  category!: (typeof CATEGORIES)[number];

  @ApiProperty({ description: 'budget in integer fen (分)', example: 120_000_000 })
  @IsInt()
  @Min(0)
  @Max(FEN_MAX)
  budgetFen!: number;

  @ApiProperty({ example: 86 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  beneficiaryHouseholds!: number;

  @ApiProperty({ example: '2011-04-01' })
  @IsDay('plannedOn')
  plannedOn!: string;
}

/** A row of a project list: `POST /projects`'s body, its village by id or by organisation code (one of them; the reader checks which). */
export class ProjectRowRequest extends OmitType(PlanProjectRequest, ['villageId'] as const) {
  @IsOptional()
  @IsUuid()
  villageId?: string;

  // Organisation codes are 2–30 digits (organization's rule).
  @IsOptional()
  @Matches(/^\d{2,30}$/, { message: 'village_code must be 2–30 digits (村组织代码)' })
  villageCode?: string;
}

export class StepRequest {
  @ApiProperty({ example: '2011-05-10' })
  @IsDay('on')
  on!: string;
}

export class EvaluateRequest extends StepRequest {
  @ApiProperty({ enum: ballotSchema.options })
  @IsIn(ballotSchema.options)
  satisfaction!: (typeof ballotSchema.options)[number];
}

export class AddMilestoneRequest {
  @ApiProperty({ example: '路基完工' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ example: '2011-08-31' })
  @IsDay('dueOn')
  dueOn!: string;
}

export class ReachMilestoneRequest {
  @ApiProperty({ example: '2011-08-25' })
  @IsDay('reachedOn')
  reachedOn!: string;
}

export class AllocateRequest {
  @ApiProperty({ enum: SOURCES })
  @IsIn(SOURCES)
  source!: (typeof SOURCES)[number];

  @ApiProperty({ description: 'integer fen (分), positive', example: 50_000_000 })
  @IsInt()
  @Min(1)
  @Max(FEN_MAX)
  amountFen!: number;

  @ApiProperty({ example: '2011-05-12' })
  @IsDay('on')
  on!: string;
}

export class DisburseRequest extends AllocateRequest {
  @ApiProperty({ example: '支付路基工程进度款' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  purpose!: string;
}

export class ReverseRequest extends StepRequest {
  @ApiProperty({ example: '重复录入，冲正' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  reason!: string;
}

export class ListProjectsQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  villageId?: string;

  @ApiPropertyOptional({ enum: projectStatusSchema.options })
  @IsOptional()
  @IsIn(projectStatusSchema.options)
  status?: string;
}
