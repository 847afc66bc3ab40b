import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ROLES, Roles, type Principal } from '@vanguard/auth';

class MeResponse {
  @ApiProperty({ description: 'the token’s subject' })
  sub!: string;

  @ApiProperty()
  username!: string;

  @ApiProperty({ enum: ROLES, isArray: true, description: 'the realm roles Vanguard knows; others in the token are left out' })
  roles!: string[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'the organisation whose subtree you may act in; null when the token names none',
  })
  orgId!: string | null;

  @ApiProperty({ enum: ['user', 'service'], description: '`service` for a county system’s service account' })
  kind!: 'user' | 'service';
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('me')
export class MeHttpController {
  @Get()
  @Roles(...ROLES)
  @ApiOperation({ summary: '当前用户 / who the token says you are' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentPrincipal() p: Principal): MeResponse {
    return { sub: p.sub, username: p.username, roles: [...p.roles], orgId: p.orgId ?? null, kind: p.kind };
  }
}
