import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaginationQuery, IsDay, IsUuid, NestedObject, IsNotBlank, MaxLength } from '@vanguard/http';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

const KINDS = ['organization', 'member'] as const;

export class SubjectDto {
  @ApiProperty({ enum: KINDS }) @IsIn(KINDS) kind!: (typeof KINDS)[number];
  @ApiProperty({ format: 'uuid' }) @IsUuid() id!: string;
}

export class TargetDto extends SubjectDto {
  @ApiProperty({ example: '青石村党支部' }) @IsString() @IsNotBlank() @MaxLength(200) name!: string;
}

export class ChooseBenchmarkRequest {
  @ApiProperty({ type: SubjectDto, description: 'who benchmarks: the organisation itself, or one of its members' })
  @NestedObject(() => SubjectDto)
  subject!: SubjectDto;

  @ApiProperty({ format: 'uuid', description: 'the organisation benchmarking, or the member’s organisation' })
  @IsUuid()
  orgId!: string;

  @ApiProperty({ type: TargetDto, description: 'the benchmark (标杆)' })
  @NestedObject(() => TargetDto)
  target!: TargetDto;

  @ApiProperty({ type: [String], example: ['集体经济收入低'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotBlank({ each: true })
  @MaxLength(1000, { each: true })
  gaps!: string[];

  @ApiProperty({ type: [String], example: ['发展红枣合作社'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotBlank({ each: true })
  @MaxLength(1000, { each: true })
  measures!: string[];

  @ApiProperty({ example: '2011-12-31' })
  @IsDay('dueOn')
  dueOn!: string;
}

export class BenchmarkProgressRequest {
  @ApiProperty({ example: '合作社已注册' }) @IsString() @IsNotBlank() @MaxLength(2000) note!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) @IsInt() @Min(0) @Max(100) percent!: number;
}

export class ReasonRequest {
  @ApiProperty({ example: '现场核实，收入已达标' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class NominatePioneerRequest {
  @ApiProperty({ format: 'uuid' }) @IsUuid() campaignId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() cycleId!: string;
  @ApiProperty({ format: 'uuid', description: 'the organisation whose pioneer this is' }) @IsUuid() orgId!: string;

  @ApiProperty({ type: SubjectDto })
  @NestedObject(() => SubjectDto)
  candidate!: SubjectDto;

  @ApiProperty({ example: '带领群众修通村道' }) @IsString() @IsNotBlank() @MaxLength(4000) deeds!: string;
}

export class SelectPioneerRequest {
  @ApiProperty({ format: 'uuid' }) @IsUuid() cycleId!: string;
  @ApiProperty({ format: 'uuid' }) @IsUuid() orgId!: string;

  @ApiProperty({ type: SubjectDto })
  @NestedObject(() => SubjectDto)
  candidate!: SubjectDto;

  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(1_000_000) votesFor!: number;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(1_000_000) votesCast!: number;
  @ApiProperty({ example: '党员大会投票' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class PageQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'default: the caller’s organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;
}

export class PioneersQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUuid() cycleId?: string;
}

export class BenchmarkCreatedResponse {
  @ApiProperty({ format: 'uuid' }) benchmarkId!: string;
  @ApiProperty() version!: number;
}

class DecidedByDto {
  @ApiProperty() sub!: string;
  @ApiProperty() role!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
}
class InputDto {
  @ApiProperty() streamId!: string;
  @ApiProperty() version!: number;
}
class RuleDto {
  @ApiProperty() id!: string;
  @ApiProperty() version!: number;
}
export class DecisionDto {
  @ApiProperty({ type: DecidedByDto }) decidedBy!: DecidedByDto;
  @ApiProperty({ type: [InputDto] }) inputs!: InputDto[];
  @ApiProperty({ type: RuleDto }) rule!: RuleDto;
  @ApiProperty() reason!: string;
}

export class BenchmarkResponse {
  @ApiProperty({ format: 'uuid' }) benchmarkId!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({ type: SubjectDto }) subject!: SubjectDto;
  @ApiProperty({ type: TargetDto }) target!: TargetDto;
  @ApiProperty({ type: [String] }) gaps!: readonly string[];
  @ApiProperty({ type: [String] }) measures!: readonly string[];
  @ApiProperty() dueOn!: string;
  @ApiProperty({ enum: ['active', 'reached'] }) status!: string;
  @ApiProperty() percent!: number;
  @ApiProperty({ nullable: true, type: String }) lastNote!: string | null;
  @ApiProperty({ nullable: true, type: DecisionDto }) reachedDecision!: DecisionDto | null;
  @ApiProperty({ description: 'the stream version this view reflects' }) version!: number;
}

export class BenchmarkPageResponse {
  @ApiProperty({ type: [BenchmarkResponse] }) items!: BenchmarkResponse[];
  @ApiProperty() total!: number;
}

export class PioneerResponse {
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty({ type: SubjectDto }) candidate!: SubjectDto;
  @ApiProperty() deeds!: string;
  @ApiProperty({ enum: ['nominated', 'selected'] }) status!: string;
  @ApiProperty({ nullable: true, type: Number }) votesFor!: number | null;
  @ApiProperty({ nullable: true, type: Number }) votesCast!: number | null;
  @ApiProperty({ nullable: true, type: DecisionDto, description: 'who selected, role, organisation, inputs, rule and version, reason' })
  decision!: DecisionDto | null;
}

export class PioneerPageResponse {
  @ApiProperty({ type: [PioneerResponse] }) items!: PioneerResponse[];
  @ApiProperty() total!: number;
}
