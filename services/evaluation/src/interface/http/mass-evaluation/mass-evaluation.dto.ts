import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { commentLength, MAX_COMMENT_CODE_POINTS } from '../../../application/commands/mass-evaluation/cast-ballot.handler';
import { IsDay, IsUuid, NestedObject, MaxLength } from '@vanguard/http';

const SUBJECT_KINDS = ['organization', 'member'] as const;
export const RATINGS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;

export class SubjectDto {
  @ApiProperty({ enum: SUBJECT_KINDS })
  @IsIn(SUBJECT_KINDS)
  kind!: (typeof SUBJECT_KINDS)[number];

  @ApiProperty({ format: 'uuid', description: 'the organisation or member evaluated' })
  @IsUuid()
  id!: string;
}

export class OpenMassEvaluationRequest {
  @ApiProperty({ type: SubjectDto })
  @NestedObject(() => SubjectDto)
  subject!: SubjectDto;

  @ApiProperty({ format: 'uuid', description: 'the organisation evaluated, or the member’s organisation' })
  @IsUuid()
  orgId!: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUuid()
  cycleId?: string;

  @ApiProperty({ minimum: 1, maximum: 100000, description: '有投票资格的人数 / eligible voters: at most this many codes' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  eligibleVoters!: number;

  @ApiProperty({ example: '2011-06-01' })
  @IsDay('opensOn')
  opensOn!: string;

  @ApiProperty({ example: '2011-06-07' })
  @IsDay('closesOn')
  closesOn!: string;
}

export class IssueCodesRequest {
  @ApiProperty({ minimum: 1, maximum: 2000, description: 'codes to issue now (one per eligible voter, in one or more batches)' })
  @IsInt()
  @Min(1)
  @Max(2000)
  count!: number;

  @ApiPropertyOptional({ enum: ['pdf', 'json'], description: 'pdf (default): the printable sheet; json: the codes as a list' })
  @IsOptional()
  @IsIn(['pdf', 'json'])
  format?: 'pdf' | 'json';
}

export class CastBallotRequest {
  @ApiProperty({ example: 'K7Q2-MX9P-4T8R-ZC3W', description: 'the one-time code from the slip' })
  @IsString()
  @MaxLength(40)
  code!: string;

  @ApiProperty({ enum: RATINGS })
  @IsIn(RATINGS)
  rating!: (typeof RATINGS)[number];

  @ApiPropertyOptional({
    maxLength: MAX_COMMENT_CODE_POINTS,
    description: '意见建议 (plain text, at most 500 Unicode code points after NFC; never shown with anything about the voter)',
  })
  @IsOptional()
  @IsString()
  @ValidateBy({
    name: 'maxCodePoints',
    validator: {
      validate: (v: unknown) => typeof v !== 'string' || commentLength(v) <= MAX_COMMENT_CODE_POINTS,
      defaultMessage: () => `comment must be at most ${MAX_COMMENT_CODE_POINTS} characters (Unicode code points)`,
    },
  })
  comment?: string;
}

export class WindowOpenedResponse {
  @ApiProperty({ format: 'uuid' }) windowId!: string;
  @ApiProperty() version!: number;
}

export class IssuedCodesResponse {
  @ApiProperty({ type: [String] }) codes!: string[];
  @ApiProperty({ description: 'codes issued for the window so far' }) issued!: number;
  @ApiProperty({ description: 'what each QR code says' }) links!: string[];
}
