import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { IsUuid, IsNotBlank, IsPlainText, MaxLength } from '@vanguard/http';

export class FileObjectionRequest {
  @ApiProperty({ format: 'uuid', description: 'the nomination on the notice objected to' }) @IsUuid() nominationId!: string;
  @ApiProperty({ example: '该同志所述修路事迹与实际不符', description: 'no ID-card or phone numbers' })
  @IsString()
  @IsNotBlank()
  @MaxLength(4000)
  @IsPlainText('grounds')
  grounds!: string;

  @ApiPropertyOptional({ description: 'leave out to object anonymously' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @IsPlainText('name')
  name?: string;
  @ApiPropertyOptional({ description: 'a way to reach the objector; seen only by the investigator, erased when concluded' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  contact?: string;
}

export class TrackingCodeResponse {
  @ApiProperty({ example: 'K7QM-3XRT-9HWA', description: 'keep it to follow the objection' }) trackingCode!: string;
}
