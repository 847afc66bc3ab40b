import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, Matches, ValidateBy } from 'class-validator';
import { cycleThemesSchema, sectorSchema } from '@vanguard/contracts';
import { IsDay, IsUuid, NestedObject, NestedObjects, IsNotBlank, MaxLength } from '@vanguard/http';
import { isBlankText } from '@vanguard/kernel';

const PHASES = ['mobilise', 'compete', 'benchmark_upgrade', 'summarise'] as const;

export class PhaseDatesDto {
  @ApiProperty({ enum: PHASES })
  @IsIn(PHASES)
  phase!: (typeof PHASES)[number];

  @ApiProperty({ example: '2010-04-01' })
  @IsDay('startsOn')
  startsOn!: string;

  @ApiProperty({ example: '2010-05-31' })
  @IsDay('endsOn')
  endsOn!: string;
}

export class LaunchCampaignRequest {
  @ApiProperty({ format: 'uuid', description: 'the root of the subtree the campaign covers' })
  @IsUuid()
  orgId!: string;

  @ApiProperty({ example: '松岭旗创先争优活动' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ type: [PhaseDatesDto], description: 'the four phases in order: mobilise, compete, benchmark_upgrade, summarise' })
  @IsArray()
  @ArrayMinSize(4)
  @ArrayMaxSize(4)
  @NestedObjects(() => PhaseDatesDto)
  phases!: PhaseDatesDto[];
}

export class CycleThemesDto {
  @ApiProperty({ example: '服务群众、促进发展' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  default!: string;

  @ApiPropertyOptional({ example: { rural: '领头雁工程' }, description: 'a sector’s own theme, where it differs' })
  @IsOptional()
  @ValidateBy({
    name: 'bySector',
    // The contract's own shape: a known sector's theme, a non-empty string of at most 200 characters.
    validator: {
      validate: (v: unknown) => {
        const parsed = cycleThemesSchema.shape.bySector.safeParse(v);
        // A theme of zero-width or Braille blanks shows as nothing, as spaces do.
        return parsed.success && Object.values(parsed.data).every((theme) => theme !== undefined && !isBlankText(theme));
      },
      defaultMessage: () =>
        `bySector maps a sector (${sectorSchema.options.join(', ')}) to its theme, a text of 1–200 characters, not blank`,
    },
  })
  bySector?: Record<string, string>;
}

export class PlanCycleRequest {
  @ApiProperty({ example: '2011-Q2' })
  @Matches(/^\d{4}-Q[1-4]$/, { message: 'quarter must look like 2011-Q2' })
  quarter!: string;

  @ApiProperty({ example: '2011-04-01' })
  @IsDay('startsOn')
  startsOn!: string;

  @ApiProperty({ example: '2011-06-30' })
  @IsDay('endsOn')
  endsOn!: string;

  @ApiProperty({ type: CycleThemesDto })
  @NestedObject(() => CycleThemesDto)
  themes!: CycleThemesDto;
}

export class CampaignCreatedResponse {
  @ApiProperty({ format: 'uuid' }) campaignId!: string;
}

export class CycleCreatedResponse {
  @ApiProperty({ format: 'uuid' }) cycleId!: string;
}

export class VersionResponse {
  @ApiProperty({ description: 'the stream version after the command' }) version!: number;
}
