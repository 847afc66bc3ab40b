import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, ROLES, Roles, type Principal } from '@vanguard/auth';

class MeResponse {
  sub!: string;
  username!: string;
  roles!: string[];
  orgId!: string | null;
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
