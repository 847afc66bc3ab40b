import { BadRequestException, Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Roles, ScopeService } from '@vanguard/auth';
import type { CommandContext } from '../../../application/commands/command-context';
import {
  ELIGIBILITY_FACTS,
  type EligibilityFacts,
  type EligibilityFactsPort,
} from '../../../application/eligibility/eligibility-facts.port';
import { Ctx, READ_ROLES, uuidParam } from '../request-context';

/**
 * What this service knows of a candidate from evaluation's events (grades, assessments,
 * satisfaction), each fact with the evaluation stream and version it came from. A fact of an
 * organisation outside the caller's subtree is left out.
 */
@ApiTags('eligibility')
@ApiBearerAuth()
@Controller('eligibility')
export class EligibilityHttpController {
  constructor(
    @Inject(ELIGIBILITY_FACTS) private readonly facts: EligibilityFactsPort,
    private readonly scope: ScopeService,
  ) {}

  @Get(':kind/:id')
  @ApiParam({ name: 'kind', enum: ['member', 'organization'] })
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '资格事实 / what evaluation published about a member or organisation, each fact with its stream and version' })
  @ApiOkResponse({ description: 'grades, assessments and satisfaction, each with `input` {streamId, version}' })
  async show(@Ctx() ctx: CommandContext, @Param('kind') kind: string, @Param('id', uuidParam('id')) id: string): Promise<EligibilityFacts> {
    if (kind !== 'member' && kind !== 'organization')
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: '请求参数有误 / invalid request: kind: must be member or organization',
        errors: [{ field: 'kind', reason: '须为 member 或 organization / kind must be member or organization' }],
      });
    const f = await this.facts.factsFor({ kind, id });
    const mine = (orgId: string) => this.scope.isWithin({ orgId: ctx.caller.orgId }, orgId);
    return {
      subject: f.subject,
      grades: f.grades.filter((g) => mine(g.orgId)),
      assessments: mine(id) || kind === 'member' ? f.assessments : [],
      satisfaction: f.satisfaction.filter((s) => mine(s.orgId)),
    };
  }
}
