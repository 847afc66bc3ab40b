import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaginationQuery, IsDay, IsUuid, NestedObjects, IsNotBlank, MaxLength } from '@vanguard/http';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString } from 'class-validator';
import { RECTIFICATION_STATUSES } from '../../../application/queries/comments/comment-read-model.port';
import { DecisionDto } from '../benchmarks-pioneers/benchmark-pioneer.dto';

const FORMS = ['meeting', 'talk', 'on_site', 'written', 'random'] as const;

export class FindingDto {
  @ApiProperty({ example: '三会一课记录不全' }) @IsString() @IsNotBlank() @MaxLength(1000) problem!: string;
  @ApiProperty({ example: '补齐记录，建立台账' }) @IsString() @IsNotBlank() @MaxLength(1000) rectification!: string;

  @ApiProperty({ example: '2011-06-30', description: '整改期限, after the comment' })
  @IsDay('deadline')
  deadline!: string;
}

export class MakeCommentRequest {
  @ApiProperty({ format: 'uuid', description: 'the organisation commented on' }) @IsUuid() orgId!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'the cycle (quarter) the comment belongs to, if any: a cycle of a campaign over the organisation commented on (400 COMMENT.UNKNOWN_CYCLE otherwise), opened already — open or closed (422 COMMENT.CYCLE_NOT_OPENED while only planned)',
  })
  @IsOptional()
  @IsUuid()
  cycleId?: string;

  @ApiProperty({ enum: FORMS, description: '会议/谈话/现场/书面/随机' }) @IsIn(FORMS) form!: (typeof FORMS)[number];
  @ApiProperty({ example: '现场点评红石村党支部季度工作' }) @IsString() @IsNotBlank() @MaxLength(4000) summary!: string;

  @ApiProperty({ type: [FindingDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @NestedObjects(() => FindingDto)
  findings!: FindingDto[];

  @ApiPropertyOptional({ example: '季度点评' }) @IsOptional() @IsString() @MaxLength(2000) reason?: string;
}

export class CompleteRectificationRequest {
  @ApiProperty({ example: '现场核实，已整改到位' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

class PageQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'default: the caller’s organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;
}

export class CommentsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUuid() cycleId?: string;
}

export class RectificationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: RECTIFICATION_STATUSES, description: 'as of today in China' })
  @IsOptional()
  @IsIn(RECTIFICATION_STATUSES)
  status?: (typeof RECTIFICATION_STATUSES)[number];
}

export class SummaryQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'default: the caller’s organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;
}

export class CommentCreatedResponse {
  @ApiProperty({ format: 'uuid' }) commentId!: string;
  @ApiProperty({ type: [String], description: 'the findings’ ids, in the order given' }) findingIds!: string[];
  @ApiProperty() version!: number;
}

export class OverdueCheckResponse {
  @ApiProperty({ description: 'rectifications marked overdue now' }) marked!: number;
  @ApiProperty({ description: 'comments changed meanwhile, left for the next check' }) skipped!: number;
}

export class RectificationResponse {
  @ApiProperty({ format: 'uuid' }) findingId!: string;
  @ApiProperty({ format: 'uuid' }) commentId!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() problem!: string;
  @ApiProperty() rectification!: string;
  @ApiProperty() deadline!: string;
  @ApiProperty({ enum: RECTIFICATION_STATUSES, description: 'as of today in China' }) status!: string;
  @ApiProperty({ nullable: true, type: String }) completedOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) markedOverdueOn!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the mass-evaluation window the problem was raised in; null for a leader comment',
  })
  windowId!: string | null;
}

export class CommentResponse {
  @ApiProperty({ format: 'uuid' }) commentId!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({ nullable: true, type: String }) cycleId!: string | null;
  @ApiProperty({ enum: [...FORMS, 'mass_evaluation'], description: '`mass_evaluation`: the problems a mass evaluation raised (ADR 0031)' })
  form!: string;
  @ApiProperty() madeOn!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: DecisionDto, description: 'who commented, by which right (rule), the contact point read' }) decision!: DecisionDto;
  @ApiProperty({ type: [RectificationResponse] }) findings!: readonly RectificationResponse[];
  @ApiProperty({ description: 'the stream version this view reflects' }) version!: number;
  @ApiProperty({ nullable: true, type: String, description: 'for form `mass_evaluation`: the window' }) windowId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'for a member’s window: the member' }) memberId!: string | null;
}

export class CommentPageResponse {
  @ApiProperty({ type: [CommentResponse] }) items!: CommentResponse[];
  @ApiProperty() total!: number;
}

export class RectificationPageResponse {
  @ApiProperty({ type: [RectificationResponse] }) items!: RectificationResponse[];
  @ApiProperty() total!: number;
}

export class RectificationSummaryResponse {
  @ApiProperty({ format: 'uuid' }) subtreeOf!: string;
  @ApiProperty({ description: 'the day (China time) the statuses are judged on' }) asOf!: string;
  @ApiProperty() total!: number;
  @ApiProperty() open!: number;
  @ApiProperty() overdue!: number;
  @ApiProperty() doneOnTime!: number;
  @ApiProperty() doneLate!: number;
}
