import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PaginationQuery, IsDay, IsUuid, NestedObject, IsNotBlank, MaxLength } from '@vanguard/http';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

const CATEGORIES = ['stage_task', 'deed_for_masses', 'self_improvement'] as const;
const PLEDGER_KINDS = ['organization', 'member'] as const;

export class PledgerDto {
  @ApiProperty({ enum: PLEDGER_KINDS })
  @IsIn(PLEDGER_KINDS)
  kind!: (typeof PLEDGER_KINDS)[number];

  @ApiProperty({ format: 'uuid', description: 'the organisation or member who pledges' })
  @IsUuid()
  id!: string;
}

class PledgeContentDto {
  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: (typeof CATEGORIES)[number];

  @ApiProperty({ example: '年内为村里修通3公里通组路' })
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  content!: string;

  @ApiProperty({ example: '2011-06-20' })
  @IsDay('dueOn')
  dueOn!: string;
}

export class MakePledgeRequest extends PledgeContentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  campaignId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  cycleId!: string;

  @ApiProperty({ type: PledgerDto })
  @NestedObject(() => PledgerDto)
  pledger!: PledgerDto;

  @ApiProperty({ format: 'uuid', description: 'the pledging organisation, or the member’s organisation' })
  @IsUuid()
  orgId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the fulfilled pledge this one follows (再承诺)' })
  @IsOptional()
  @IsUuid()
  followsPledgeId?: string;
}

export class AmendPledgeRequest extends PledgeContentDto {}

export class DecisionRequest {
  @ApiPropertyOptional({
    description: 'why; required to return or lapse a pledge or to return a review; when given, not blank (nor only invisible characters)',
    example: '承诺内容具体、可检验',
  })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  reason?: string;
}

export class ProgressRequest {
  @ApiProperty({ example: '已完成路基1.5公里' })
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  note!: string;

  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsInt()
  @Min(0)
  @Max(100)
  percent!: number;
}

export class RateRequest {
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(1_000_000) satisfied!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(1_000_000) basicallySatisfied!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(1_000_000) dissatisfied!: number;
}

export class ListPledgesQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'default: the caller’s organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  cycleId?: string;
}

export class LedgerQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'default: the caller’s organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;

  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  cycleId!: string;
}

export class PledgeCreatedResponse {
  @ApiProperty({ format: 'uuid' }) pledgeId!: string;
}

export class PledgeResponse {
  @ApiProperty({ format: 'uuid' }) pledgeId!: string;
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({ type: PledgerDto }) pledger!: PledgerDto;
  @ApiProperty({ enum: CATEGORIES }) category!: string;
  @ApiProperty() content!: string;
  @ApiProperty() dueOn!: string;
  @ApiProperty({ nullable: true, type: String }) followsPledgeId!: string | null;
  @ApiProperty({ enum: ['awaiting_filing', 'returned', 'filed', 'published', 'fulfilled', 'lapsed'] }) status!: string;
  @ApiProperty() percent!: number;
  @ApiProperty({ nullable: true, type: String }) filedByOrgId!: string | null;
  @ApiProperty() returnedCount!: number;
  @ApiProperty({ nullable: true, type: Number }) satisfactionPermille!: number | null;
  @ApiProperty({ description: 'the stream version this view reflects' }) version!: number;
}

export class PledgePageResponse {
  @ApiProperty({ type: [PledgeResponse] }) items!: PledgeResponse[];
  @ApiProperty() total!: number;
}

export class LedgerResponse {
  @ApiProperty({ format: 'uuid' }) subtreeOf!: string;
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
  @ApiProperty() made!: number;
  @ApiProperty() filed!: number;
  @ApiProperty() returned!: number;
  @ApiProperty() fulfilled!: number;
  @ApiProperty() lapsed!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'fulfilled ÷ (fulfilled + lapsed), per mille' })
  fulfilmentRatePermille!: number | null;
}
