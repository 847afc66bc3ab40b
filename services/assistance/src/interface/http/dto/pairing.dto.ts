import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';
import { PaginationQuery, IsUuid, NestedObject, IsNotBlank, MaxLength } from '@vanguard/http';
import { IsDay } from './common.dto';

export class FiveFixedPointsDto {
  @ApiProperty({ description: '旗级领导定点联系: the leader’s account subject' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  leaderSub!: string;

  @ApiProperty({ format: 'uuid', description: '苏木乡镇定点指导: the township above the village' })
  @IsUuid()
  townshipOrgId!: string;

  @ApiProperty({ description: '旗直单位定点帮扶' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  helperUnitName!: string;

  @ApiProperty({ format: 'uuid', description: '选派干部定点协调: the cadre, by member id' })
  @IsUuid()
  cadreMemberId!: string;

  @ApiProperty({ description: '组织部各股室定点督办', example: '组织部组织股' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  supervisingOffice!: string;
}

export class FormPairingRequest {
  @ApiProperty({ format: 'uuid', description: 'the village or community helped' })
  @IsUuid()
  villageId!: string;

  @ApiProperty({ example: '旗交通运输局' })
  @IsString()
  @IsNotBlank()
  @MaxLength(200)
  helperUnitName!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  helperOrgId?: string;

  @ApiProperty({ example: '2011-03-01' })
  @IsDay('from')
  from!: string;

  @ApiProperty({ example: '2013-12-31' })
  @IsDay('to')
  to!: string;

  @ApiProperty({ type: [String], example: ['硬化村内主干道3公里', '解决120户安全饮水'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotBlank({ each: true })
  @MaxLength(500, { each: true })
  goals!: string[];

  @ApiProperty({ description: '相对后进村: needs villagePlan and fiveFixedPoints' })
  @IsBoolean()
  lagging!: boolean;

  @ApiPropertyOptional({ description: '一村一策' })
  @IsOptional()
  @IsString()
  @IsNotBlank()
  @MaxLength(4000)
  villagePlan?: string;

  @ApiPropertyOptional({ type: FiveFixedPointsDto })
  @IsOptional()
  @NestedObject(() => FiveFixedPointsDto)
  fiveFixedPoints?: FiveFixedPointsDto;
}

export class ListByVillageQuery extends PaginationQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUuid()
  villageId?: string;
}
