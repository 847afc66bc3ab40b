import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import type { CommandContext } from '../../../application/commands/command-context';
import { CommentQueries } from '../../../application/queries/comments/comment.queries';
import { Ctx, READ_ROLES } from '../request-context';
import { RectificationPageResponse, RectificationSummaryResponse, RectificationsQuery, SummaryQuery } from './comment.dto';

/** 整改台账: findings and their rectifications per subtree, judged on today's date in China. */
@ApiTags('comments')
@ApiBearerAuth()
@Controller('rectifications')
export class RectificationsHttpController {
  constructor(private readonly queries: CommentQueries) {}

  @Get('summary')
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '整改统计 / open, overdue, done on time and done late in a subtree' })
  @ApiOkResponse({ type: RectificationSummaryResponse })
  summary(@Ctx() ctx: CommandContext, @Query() q: SummaryQuery): Promise<RectificationSummaryResponse> {
    return this.queries.summary(q.subtreeOf ? { subtreeOf: q.subtreeOf } : {}, ctx);
  }

  @Get()
  @Roles(...READ_ROLES)
  @ApiOperation({ summary: '整改清单 / findings with their rectification and status, by deadline' })
  @ApiOkResponse({ type: RectificationPageResponse })
  list(@Ctx() ctx: CommandContext, @Query() q: RectificationsQuery): Promise<RectificationPageResponse> {
    return this.queries.rectifications(
      {
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
        ...(q.subtreeOf ? { subtreeOf: q.subtreeOf } : {}),
        ...(q.status ? { status: q.status } : {}),
      },
      ctx,
    );
  }
}
