import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, ValidateBy } from 'class-validator';
import type { TransferView } from '../../../application/ports/organization-read-model.port';
import { PUBLISHED_REASON_VALIDATOR } from '../../../domain/shared/published-reason.rule';
import type { TransferStatus } from '../../../domain/transfer/member-transfer.aggregate';
import { booleanQuery } from './organization.dto';
import { PageQueryDto } from './page.dto';
import { IsDay, IsNotBlank, IsUuid, MaxLength } from '@vanguard/http';

const TRANSFER_STATUSES = ['requested', 'accepted', 'rejected', 'completed', 'cancelled'] as const;

export class RequestTransferRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  memberId!: string;

  @ApiProperty({ format: 'uuid', description: 'the receiving organisation' })
  @IsUuid()
  toOrgId!: string;

  @ApiPropertyOptional({ description: 'defaults to 30 days after the request' })
  @IsOptional()
  @IsDay('deadline')
  deadline?: string;
}

export class RejectTransferRequest {
  @ApiProperty()
  @IsString()
  @IsNotBlank()
  @MaxLength(500)
  @ValidateBy(PUBLISHED_REASON_VALIDATOR)
  reason!: string;
}

export class ListTransfersQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;

  @ApiPropertyOptional({ description: 'only open transfers past their deadline' })
  @IsOptional()
  @booleanQuery()
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ enum: TRANSFER_STATUSES })
  @IsOptional()
  @IsIn(TRANSFER_STATUSES)
  status?: TransferStatus;
}

export class TransferResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty() memberName!: string;
  @ApiProperty({ format: 'uuid' }) fromOrgId!: string;
  @ApiProperty({ format: 'uuid' }) toOrgId!: string;
  @ApiProperty() requestedOn!: string;
  @ApiProperty() deadline!: string;
  @ApiProperty({ enum: TRANSFER_STATUSES }) status!: TransferStatus;
  @ApiProperty({ nullable: true, type: String }) decidedOn!: string | null;
  @ApiProperty({ nullable: true, type: String }) completedOn!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'the day a leave, merger or dissolution ended it (status cancelled)' })
  cancelledOn!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'why it was rejected or cancelled' }) reason!: string | null;

  static of(v: TransferView): TransferResponse {
    return Object.assign(new TransferResponse(), { ...v });
  }
}

export class TransferPageResponse {
  @ApiProperty({ type: [TransferResponse] }) items!: TransferResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
