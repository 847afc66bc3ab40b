import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsDay, IsUuid, QueryInt, NestedObject, NestedObjects, IsNotBlank, IsPlainText, MaxLength } from '@vanguard/http';

const CATEGORIES = ['advanced_organization', 'outstanding_member', 'outstanding_party_worker', 'advanced_county_committee'] as const;
const LEVELS = ['county', 'city', 'province'] as const;
const REVIEW_LEVELS = ['township', 'county', 'city', 'province'] as const;
type Category = (typeof CATEGORIES)[number];

class DeadlineDto {
  @ApiProperty({ enum: REVIEW_LEVELS }) @IsIn(REVIEW_LEVELS) level!: (typeof REVIEW_LEVELS)[number];
  @ApiProperty({ example: '2011-05-20' }) @IsDay('dueOn') dueOn!: string;
}

class NoticePeriodDto {
  @ApiProperty({ example: 7, minimum: 1, maximum: 30 }) @IsInt() @Min(1) @Max(30) days!: number;
  @ApiProperty({ enum: ['calendar', 'working'] }) @IsIn(['calendar', 'working']) dayKind!: 'calendar' | 'working';
}

class TimelineDto {
  @ApiProperty({ example: '2011-04-15' })
  @IsDay('nominationOpensOn')
  nominationOpensOn!: string;
  @ApiProperty({ example: '2011-05-10' })
  @IsDay('nominationClosesOn')
  nominationClosesOn!: string;

  @ApiProperty({ type: [DeadlineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @NestedObjects(() => DeadlineDto)
  reviewDeadlines!: DeadlineDto[];

  @ApiProperty({ type: NoticePeriodDto }) @NestedObject(() => NoticePeriodDto) notice!: NoticePeriodDto;
  @ApiProperty({ example: '2011-06-28' }) @IsDay('decisionOn') decisionOn!: string;
}

class PolicyRefDto {
  @ApiProperty({ example: 'commendation.eligibility.review-grade' }) @IsString() @MaxLength(100) id!: string;
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) version!: number;
}

export class LaunchProgrammeRequest {
  @ApiProperty({ example: '2011年七一集中表彰', description: 'as shown on the public notice: plain text' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  @IsPlainText('name')
  name!: string;
  @ApiProperty({ format: 'uuid', description: 'the awarding body' }) @IsUuid() orgId!: string;
  @ApiProperty({ enum: LEVELS }) @IsIn(LEVELS) level!: (typeof LEVELS)[number];
  @ApiProperty({ enum: CATEGORIES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsIn(CATEGORIES, { each: true })
  categories!: Category[];

  @ApiProperty({ type: [Number], example: [2010, 2011], description: 'whole years, 2000–2100' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(2000, { each: true })
  @Max(2100, { each: true })
  years!: number[];

  @ApiProperty({ type: TimelineDto }) @NestedObject(() => TimelineDto) timeline!: TimelineDto;

  @ApiPropertyOptional({ type: [PolicyRefDto], description: 'default: the current version of every policy' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @NestedObjects(() => PolicyRefDto)
  eligibilityPolicies?: PolicyRefDto[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class AllocateQuotaRequest {
  @ApiProperty({ format: 'uuid', description: 'a unit directly below the awarding body' }) @IsUuid() unitOrgId!: string;
  @ApiProperty({ enum: CATEGORIES }) @IsIn(CATEGORIES) category!: Category;
  @ApiProperty({ example: 3, minimum: 0, maximum: 10000 }) @IsInt() @Min(0) @Max(10_000) places!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

class NomineeDto {
  @ApiProperty({ enum: ['member', 'organization'] }) @IsIn(['member', 'organization']) kind!: 'member' | 'organization';
  @ApiProperty({ format: 'uuid', description: 'the member or the organisation' }) @IsUuid() id!: string;
  @ApiProperty({ example: '张明', description: 'as shown on the notice: plain text' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  @IsPlainText('name')
  name!: string;
  @ApiProperty({ format: 'uuid', description: 'the member’s organisation, or the organisation itself' }) @IsUuid() orgId!: string;
}

export class DeedsDto {
  @ApiProperty({ example: '带领群众修通致富路', description: '事迹摘要 (public)' })
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  @IsPlainText('summary')
  summary!: string;
  @ApiProperty({ description: '主要事迹材料' }) @IsString() @IsNotBlank() @MaxLength(20_000) record!: string;
}

export class SubmitNominationRequest {
  @ApiProperty({ format: 'uuid' }) @IsUuid() programmeId!: string;
  @ApiProperty({ enum: CATEGORIES }) @IsIn(CATEGORIES) category!: Category;
  @ApiProperty({ type: NomineeDto }) @NestedObject(() => NomineeDto) nominee!: NomineeDto;
  @ApiProperty({ type: DeedsDto }) @NestedObject(() => DeedsDto) deeds!: DeedsDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class ReasonRequest {
  @ApiProperty({ example: '事迹突出，同意推荐' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

/** The revocation's reason is on the public honour roll's history (publicity), beside its own plain-text reasons. */
export class RevokeCommendationRequest {
  @ApiProperty({ example: '经查，主要事迹与实际不符', description: 'shown on the public honour roll’s history: plain text' })
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  @IsPlainText('reason')
  reason!: string;
}

export class OptionalReasonRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class AmendNominationRequest {
  @ApiProperty({ type: DeedsDto }) @NestedObject(() => DeedsDto) deeds!: DeedsDto;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class DecideCommendationRequest {
  @ApiProperty({ example: '松组发〔2011〕12号', description: '表彰决定文号, as the public honour roll shows it: plain text' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  @IsPlainText('documentNumber')
  documentNumber!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

const NOMINATION_STATUSES = ['under_review', 'returned', 'shortlisted', 'rejected', 'withdrawn', 'decided', 'revoked'] as const;

/** The nomination list's filters and page: a value it does not know is a 400 naming it, not a filter silently dropped. */
export class NominationsQuery {
  @ApiPropertyOptional({ enum: NOMINATION_STATUSES })
  @IsOptional()
  @IsIn(NOMINATION_STATUSES)
  status?: (typeof NOMINATION_STATUSES)[number];

  @ApiPropertyOptional({ enum: REVIEW_LEVELS })
  @IsOptional()
  @IsIn(REVIEW_LEVELS)
  awaiting?: (typeof REVIEW_LEVELS)[number];

  @ApiPropertyOptional({ enum: ['true'], description: 'the overdue list' })
  @IsOptional()
  @IsIn(['true'])
  overdue?: 'true';

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 1_000_000 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}
