import { Controller, ForbiddenException, Get, Inject } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import { ID_NUMBER_REVIEWS, type IdNumberReviewItems, type IdNumberReviews } from '../../application/ports/id-number-reviews.port';
import { GetOrganizationQuery } from '../../application/queries';
import { actorOf } from './request-context';

@ApiTags('roster')
@ApiBearerAuth()
@Controller()
export class IdNumberReviewsHttpController {
  constructor(
    @Inject(ID_NUMBER_REVIEWS) private readonly reviews: IdNumberReviews,
    private readonly queries: QueryBus,
  ) {}

  @Get('id-number-reviews')
  @Roles('admin', 'organizer')
  @ApiOperation({
    summary:
      '身份证号核查待审事项 / for the organisation department above an importing user: users flagged for bulk ID-number checks, and import rows held because the ID number belongs to a member elsewhere',
  })
  @ApiOkResponse({ schema: { properties: { flags: { type: 'array' }, holds: { type: 'array' } } } })
  @ApiRefusals({ 404: ['ORGANIZATION.NOT_FOUND: your token names an unknown organisation'] })
  async list(@CurrentPrincipal() p: Principal): Promise<IdNumberReviewItems> {
    if (!p.orgId)
      throw new ForbiddenException({ code: 'AUTH.OUT_OF_SCOPE', message: '令牌中没有所属组织 / the token names no organisation' });
    // The token's organisation read as any other (ADR 0010): a dissolved or merged one grants no scope.
    await this.queries.execute(new GetOrganizationQuery(actorOf(p), p.orgId));
    return this.reviews.for(p.orgId);
  }
}
