import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Matches } from 'class-validator';
import { windowServiceKindSchema } from '@vanguard/contracts';
import { IsDay, NestedObjects, IsNotBlank, MaxLength } from '@vanguard/http';

export class PublishWindowCommitmentsRequest {
  @ApiProperty({ example: '旗政务服务中心社保窗口' }) @IsString() @IsNotBlank() @MaxLength(200) serviceName!: string;
  @ApiProperty({ example: '办理城乡居民养老保险参保登记', description: '亮职责' })
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  duties!: string;
  @ApiProperty({ example: '受理—审核—办结，当场答复', description: '亮流程' }) @IsString() @IsNotBlank() @MaxLength(2000) process!: string;
  @ApiProperty({ example: '首问负责、一次告知、限时办结', description: '亮纪律' })
  @IsString()
  @IsNotBlank()
  @MaxLength(2000)
  discipline!: string;
  @ApiProperty({
    example: '0470-5123456',
    description: 'the unit’s service line: a landline with area code or a short hotline, never a mobile',
  })
  @Matches(/^(0\d{2,3}-?\d{7,8}|\d{5,6})$/, { message: 'servicePhone must be a landline with area code or a short hotline, not a mobile' })
  servicePhone!: string;
  @ApiProperty({ example: '三亮：公开服务承诺' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class ServiceRecordDto {
  @ApiProperty({ description: 'the record’s id in the sending system' }) @IsString() @IsNotBlank() @MaxLength(100) recordId!: string;
  @ApiProperty({ enum: windowServiceKindSchema.options }) @IsIn(windowServiceKindSchema.options) kind!:
    'service_given' | 'handled_on_behalf' | 'home_service' | 'online_approval';
  @ApiProperty({ example: '2011-05-04' })
  @IsDay('on')
  on!: string;
}

export class ImportServiceRecordsRequest {
  @ApiProperty({ description: 'the sending system’s batch id; a resent batch counts nothing (409)' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  batchId!: string;
  @ApiProperty({ type: [ServiceRecordDto], maxItems: 5000, description: 'records only (no citizen’s name or number): id, kind, day' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5000)
  @NestedObjects(() => ServiceRecordDto)
  records!: ServiceRecordDto[];
}
