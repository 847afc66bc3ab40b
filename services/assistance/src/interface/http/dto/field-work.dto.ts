import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { cadreRoleSchema, projectCategorySchema } from '@vanguard/contracts';
import { IsDay } from './common.dto';
import { MAX_AMOUNT_FEN } from '../../../domain/shared/money.rules';
import { IsUuid, IsNotBlank, MaxLength } from '@vanguard/http';

export class DispatchCadreRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  villageId!: string;

  @ApiProperty({ format: 'uuid', description: 'the cadre’s member id on the roster' })
  @IsUuid()
  memberId!: string;

  @ApiProperty({ enum: cadreRoleSchema.options })
  @IsIn(cadreRoleSchema.options)
  role!: (typeof cadreRoleSchema.options)[number];

  @ApiProperty({ example: '旗财政局' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  sendingUnitName!: string;

  @ApiProperty({ example: '2011-03-01' })
  @IsDay('from')
  from!: string;

  @ApiProperty({ example: '2013-02-28' })
  @IsDay('to')
  to!: string;
}

export class RegisterHouseholdRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  villageId!: string;

  @ApiProperty({ description: 'how the village tells households apart, e.g. group and number', example: '三组12号' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  label!: string;

  @ApiProperty({ description: '户主 (personal data: shown to officers in scope only, never published)', example: '王秀兰' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  headName!: string;
}

export class IssueCardRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  householdId!: string;
}

export class DiaryEntryRequest {
  @ApiProperty({ example: '2011-06-02' })
  @IsDay('writtenOn')
  writtenOn!: string;

  @ApiProperty({ description: '民情日记: what was heard and done' })
  @IsString()
  @IsNotBlank()
  @MaxLength(4000)
  text!: string;
}

export class LogVisitRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the client’s id for the visit: a retry with the same id is refused as already logged',
  })
  @IsOptional()
  @IsUuid()
  visitId?: string;

  @ApiProperty({ example: '2011-06-02' })
  @IsDay('visitedOn')
  visitedOn!: string;

  @ApiProperty({ type: [String], description: 'households visited, each holding this cadre’s contact card' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUuid('all', { each: true })
  householdIds!: string[];

  @ApiProperty({ example: '了解春耕困难，协调化肥' })
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  summary!: string;
}

export class RecordDeedRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'the client’s id for the deed: a retry with the same id is refused as already logged',
  })
  @IsOptional()
  @IsUuid()
  deedId?: string;

  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  villageId!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  pairingId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  cadreId?: string;

  @ApiProperty({ enum: projectCategorySchema.options })
  @IsIn(projectCategorySchema.options)
  category!: (typeof projectCategorySchema.options)[number];

  @ApiProperty({ example: '修复村内饮水井' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ example: '2011-07-15' })
  @IsDay('doneOn')
  doneOn!: string;

  @ApiPropertyOptional({ description: 'integer fen spent, when money was involved' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT_FEN)
  amountFen?: number;

  @ApiProperty({ example: 12 })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  householdsHelped!: number;
}
