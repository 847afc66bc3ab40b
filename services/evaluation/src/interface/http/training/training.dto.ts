import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Max, Min } from 'class-validator';
import { trainingTargetGroupSchema } from '@vanguard/contracts';
import { IsDay, IsUuid, NestedObjects, IsDayNotBefore, IsNotBlank, MaxLength } from '@vanguard/http';

export class OpenTrainingClassRequest {
  @ApiProperty({ format: 'uuid', description: 'the organising organisation' }) @IsUuid() orgId!: string;
  @ApiProperty({ example: '新任村党组织书记培训班' }) @IsString() @IsNotBlank() @MaxLength(500) topic!: string;
  @ApiProperty({ example: '松岭旗委党校' }) @IsString() @IsNotBlank() @MaxLength(200) base!: string;
  @ApiProperty({ enum: trainingTargetGroupSchema.options }) @IsIn(trainingTargetGroupSchema.options) targetGroup!: string;
  @ApiProperty({ example: '2011-06-20' }) @IsDay('startsOn') startsOn!: string;
  @ApiProperty({ example: '2011-06-24' }) @IsDay('endsOn') endsOn!: string;
  @ApiProperty({ minimum: 1, maximum: 500 }) @IsInt() @Min(1) @Max(500) sessions!: number;
  @ApiProperty({ example: '年度培训计划' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class EnrolTraineesRequest {
  @ApiProperty({ type: [String], format: 'uuid', description: 'members, read from the roster' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUuid('all', { each: true })
  memberIds!: string[];

  @ApiProperty({ example: '按花名册报名' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class AttendanceDto {
  @ApiProperty({ format: 'uuid' }) @IsUuid() memberId!: string;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(500) sessionsAttended!: number;
}

export class RecordAttendanceRequest {
  @ApiProperty({ type: [AttendanceDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @NestedObjects(() => AttendanceDto)
  attendance!: AttendanceDto[];

  @ApiProperty({ example: '结业考勤' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}

export class TrainingCountsQuery {
  @ApiProperty({ format: 'uuid' }) @IsUuid() subtreeOf!: string;
  @ApiProperty({ example: '2011-01-01' }) @IsDay('from') from!: string;
  @ApiProperty({ example: '2011-12-31' }) @IsDay('to') @IsDayNotBefore('to', 'from') to!: string;
}
