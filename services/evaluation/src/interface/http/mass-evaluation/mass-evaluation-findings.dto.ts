import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString } from 'class-validator';
import { FindingDto } from '../comments/comment.dto';
import { NestedObjects, IsNotBlank, MaxLength } from '@vanguard/http';

/** 群众评议问题整改: the problems the masses raised, each a finding with a rectification and a deadline. */
export class RecordMassEvaluationFindingsRequest {
  @ApiProperty({ example: '群众评议中群众提出的问题' }) @IsString() @IsNotBlank() @MaxLength(4000) summary!: string;

  @ApiProperty({ type: [FindingDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @NestedObjects(() => FindingDto)
  findings!: FindingDto[];

  @ApiProperty({ example: '汇总评议意见，逐条明确整改措施和期限' }) @IsString() @IsNotBlank() @MaxLength(2000) reason!: string;
}
