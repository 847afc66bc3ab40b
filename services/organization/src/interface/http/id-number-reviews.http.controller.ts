import { Controller, ForbiddenException, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@vanguard/auth';
import { ID_NUMBER_REVIEWS, type IdNumberReviewItems, type IdNumberReviews } from '../../application/ports/id-number-reviews.port';

@ApiTags('roster')
@ApiBearerAuth()
@Controller()
export class IdNumberReviewsHttpController {
  constructor(@Inject(ID_NUMBER_REVIEWS) private readonly reviews: IdNumberReviews) {}

  @Get('id-number-reviews')
  @Roles('admin', 'organizer')
  @ApiOperation({
    summary:
      '身份证号核查待审事项 / for the organisation department above an importing user: users flagged for bulk ID-number checks, and import rows held because the ID number belongs to a member elsewhere',
  })
  @ApiOkResponse({ schema: { properties: { flags: { type: 'array' }, holds: { type: 'array' } } } })
  list(@CurrentPrincipal() p: Principal): Promise<IdNumberReviewItems> {
    if (!p.orgId)
      throw new ForbiddenException({ code: 'AUTH.OUT_OF_SCOPE', message: '令牌中没有所属组织 / the token names no organisation' });
    return this.reviews.for(p.orgId);
  }
}
