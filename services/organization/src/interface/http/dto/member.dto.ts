import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayUnique, IsArray, IsIn, IsOptional, IsString, ValidateBy, type ValidationArguments } from 'class-validator';
import type { MemberDetailView, MemberView } from '../../../application/ports/organization-read-model.port';
import {
  MEMBER_ROLES,
  MEMBER_STATUSES,
  VANGUARD_POSTS,
  type Membership,
  type MemberRole,
  type MemberStatus,
  type VanguardPost,
} from '../../../domain/member/member.vocabulary';
import { PageQueryDto } from './page.dto';
import { IsDay, IsUuid, IsNotBlank, MaxLength } from '@vanguard/http';
import { noPersonalNumbersIn, PUBLISHED_REASON_VALIDATOR } from '../../../domain/shared/published-reason.rule';
import { idNumberProblem } from '../../../domain/member/id-number';
import { JOINING_AGE_PROBLEM, MemberJoinsAtEighteenOrOlderRule } from '../../../domain/member/rules/member-joins-at-eighteen-or-older.rule';
import { isDay } from '../../../domain/shared/day';
import { PROBATION_STANDINGS, type ProbationStanding } from '../../../domain/member/probation';
import { MEMBERSHIP_HISTORY_KINDS } from '../../../domain/member/member.aggregate';
import { PHONE_PATTERN, phoneProblem } from '../../../domain/member/personal-data.value-object';

/**
 * The domain's ID-number rule, asked before the domain is reached: 400 naming the field and why.
 * Not a string is `@IsString`'s to say.
 */
const ID_NUMBER_VALIDATOR = {
  name: 'isIdNumber',
  validator: {
    validate: (v: unknown) => typeof v !== 'string' || idNumberProblem(v.toUpperCase()) === null,
    defaultMessage: (args?: { value: unknown }) => idNumberProblem(String(args?.value).toUpperCase()) ?? '',
  },
};

/** The domain's phone rule, asked of the request: 400 naming `phone` (its shape, or an ID number in its place). */
const PHONE_VALIDATOR = {
  name: 'isPhone',
  validator: {
    validate: (v: unknown) => typeof v !== 'string' || phoneProblem(v) === null,
    defaultMessage: (args?: { value: unknown }) => phoneProblem(String(args?.value)) ?? '',
  },
};

/**
 * The domain's joining-age rule, asked of the request as the ID-number rule is: 400 naming
 * `joinedOn`. Needs a day and a good ID number; without them their own checks answer. A birth date
 * after today is the ID number's fault, which the domain names (it has today); this check leaves it.
 */
const JOINING_AGE_VALIDATOR = {
  name: 'joinsAtEighteenOrOlder',
  validator: {
    validate: (joinedOn: unknown, args?: ValidationArguments) => {
      const idNumber = (args?.object as { idNumber?: unknown } | undefined)?.idNumber;
      if (typeof joinedOn !== 'string' || !isDay(joinedOn) || typeof idNumber !== 'string') return true;
      const id = idNumber.toUpperCase();
      if (idNumberProblem(id) !== null || id.slice(6, 14) > new Date().toISOString().slice(0, 10).replace(/-/g, '')) return true;
      return !new MemberJoinsAtEighteenOrOlderRule(id, joinedOn).isBroken();
    },
    defaultMessage: () => JOINING_AGE_PROBLEM,
  },
};

export class EnrolMemberRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUuid()
  orgId!: string;

  @ApiProperty({ example: '张红梅', description: 'published in clear: no ID-card or phone number' })
  @IsString()
  @IsNotBlank()
  @MaxLength(100)
  @ValidateBy(noPersonalNumbersIn('name'))
  name!: string;

  @ApiProperty({ enum: MEMBER_STATUSES })
  @IsIn(MEMBER_STATUSES)
  status!: MemberStatus;

  @ApiProperty({ example: '2001-07-01', description: '入党日期; with an ID number, on or after the eighteenth birthday it gives' })
  @IsDay('joinedOn')
  @ValidateBy(JOINING_AGE_VALIDATOR)
  joinedOn!: string;

  @ApiPropertyOptional({ enum: MEMBER_ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(MEMBER_ROLES, { each: true })
  roles?: MemberRole[];

  @ApiPropertyOptional({ enum: VANGUARD_POSTS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(VANGUARD_POSTS, { each: true })
  posts?: VanguardPost[];

  @ApiPropertyOptional({
    description:
      'ID-card number (GB 11643): 17 digits and a check digit (0–9 or X), characters 7–14 a birth date; stored encrypted, shown masked, never published',
    pattern: '^[0-9]{17}[0-9Xx]$',
  })
  @IsOptional()
  @IsString()
  @ValidateBy(ID_NUMBER_VALIDATOR)
  idNumber?: string;

  @ApiPropertyOptional({
    description:
      'stored encrypted, shown masked, never published; 7–20 digits, a leading + and single dashes between digits, not an ID number',
    pattern: PHONE_PATTERN.source,
  })
  @IsOptional()
  @IsString()
  @ValidateBy(PHONE_VALIDATOR)
  phone?: string;
}

export class AssignRoleRequest {
  @ApiProperty({ enum: MEMBER_ROLES })
  @IsIn(MEMBER_ROLES)
  role!: MemberRole;
}

export class GrantPostRequest {
  @ApiProperty({ enum: VANGUARD_POSTS })
  @IsIn(VANGUARD_POSTS)
  post!: VanguardPost;
}

export class MakeFullRequest {
  @ApiProperty({
    example: '2026-07-01',
    description: '转正日期: the day probation ended, from the first anniversary of joining to the second (an extension), not after today',
  })
  @IsDay('fullOn')
  fullOn!: string;
}

export class RemoveMemberRequest {
  @ApiPropertyOptional({ description: 'published in clear: no ID-card or phone number, however written' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @ValidateBy(PUBLISHED_REASON_VALIDATOR)
  reason?: string;
}

export class ListMembersQuery extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'defaults to your own organisation' })
  @IsOptional()
  @IsUuid()
  subtreeOf?: string;

  @ApiPropertyOptional({ enum: MEMBER_STATUSES })
  @IsOptional()
  @IsIn(MEMBER_STATUSES)
  status?: MemberStatus;

  @ApiPropertyOptional({ enum: MEMBER_ROLES })
  @IsOptional()
  @IsIn(MEMBER_ROLES)
  role?: MemberRole;

  @ApiPropertyOptional({ enum: ['active', 'left'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'left'])
  membership?: Membership;

  @ApiPropertyOptional({
    enum: PROBATION_STANDINGS,
    description:
      '预备党员: due 期满待转正 (probation over, up to the second anniversary of joining), overdue 逾期未转正 (past it); judged on today in Asia/Shanghai',
  })
  @IsOptional()
  @IsIn(PROBATION_STANDINGS)
  probation?: ProbationStanding;
}

export class MemberResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: MEMBER_STATUSES }) status!: MemberStatus;
  @ApiProperty() joinedOn!: string;
  @ApiProperty({ enum: MEMBER_ROLES, isArray: true }) roles!: MemberRole[];
  @ApiProperty({ enum: VANGUARD_POSTS, isArray: true }) posts!: VanguardPost[];
  @ApiProperty({ enum: ['active', 'left'] }) membership!: Membership;
  @ApiProperty({ nullable: true, type: String, example: '1101**********123X' }) idNumberMasked!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '138****5678' }) phoneMasked!: string | null;

  static of(v: MemberView): MemberResponse {
    return Object.assign(new MemberResponse(), {
      id: v.id,
      orgId: v.orgId,
      name: v.name,
      status: v.status,
      joinedOn: v.joinedOn,
      roles: [...v.roles],
      posts: [...v.posts],
      membership: v.membership,
      idNumberMasked: v.idNumberMasked,
      phoneMasked: v.phoneMasked,
    });
  }
}

export class MemberHistoryEntryResponse {
  @ApiProperty() on!: string;
  @ApiProperty({ enum: MEMBERSHIP_HISTORY_KINDS }) kind!: string;
  @ApiProperty({ format: 'uuid' }) orgId!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      '角色、岗位、新身份、转移编号（合并时为原组织）或离开原因；姓名更正时为更正前的姓名；转正时为空 / the role, post, new status, transfer id (a merge: the organisation merged from) or reason; renamed: the name it replaced; became_full: null',
  })
  detail!: string | null;
}

export class MemberDetailResponse extends MemberResponse {
  @ApiProperty({ type: [MemberHistoryEntryResponse] }) history!: MemberHistoryEntryResponse[];

  static detail(v: MemberDetailView): MemberDetailResponse {
    return Object.assign(new MemberDetailResponse(), MemberResponse.of(v), {
      history: v.history.map((h) => ({ on: h.on, kind: h.kind, orgId: h.orgId, detail: h.detail })),
    });
  }
}

export class MemberPageResponse {
  @ApiProperty({ type: [MemberResponse] }) items!: MemberResponse[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
