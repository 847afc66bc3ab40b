import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ApiRefusals } from '@vanguard/http';
import type { CommandContext } from '../../../application/commands/command-context';
import { RecordMassEvaluationFindingsHandler } from '../../../application/commands/mass-evaluation/record-mass-evaluation-findings.handler';
import { CommentCreatedResponse } from '../comments/comment.dto';
import { Ctx, PLEDGE_ROLES, uuidParam } from '../request-context';
import { RecordMassEvaluationFindingsRequest } from './mass-evaluation-findings.dto';

/**
 * 群众评议问题整改: after close, the organiser turns the problems raised into findings. They are then
 * completed (`POST /comments/:windowId/findings/:findingId/complete`), checked for overdue and listed
 * (`GET /rectifications`) with leader comments' findings.
 */
@ApiTags('mass-evaluations')
@ApiBearerAuth()
@Controller('mass-evaluations')
export class MassEvaluationFindingsHttpController {
  constructor(private readonly record: RecordMassEvaluationFindingsHandler) {}

  @Post(':id/findings')
  @Roles(...PLEDGE_ROLES)
  @ApiOperation({
    summary:
      '记录群众提出的问题 / record the problems raised as findings with rectifications and deadlines (after close; by a leader of the organisation that ran the window; once)',
  })
  @ApiCreatedResponse({
    type: CommentCreatedResponse,
    description: '`commentId` is the window id: the findings stream is `comment-<windowId>`',
  })
  @ApiRefusals({
    404: [
      'MASS_EVALUATION.NOT_FOUND: unknown, or outside your subtree',
      'ORGANIZATION.NOT_FOUND: the window’s organisation is no longer in the tree',
    ],
    409: [
      'MASS_EVALUATION.STILL_OPEN: the window is not closed yet',
      'COMMENT.ALREADY_MADE: the window’s findings are recorded already',
      'STREAM.CONCURRENT_CHANGE: recorded meanwhile; reload and try again',
    ],
    422: ['MASS_EVALUATION.NOT_ORGANISER: not a leader of the organisation that ran the window (for an organisation’s, strictly above it)'],
  })
  findings(
    @Ctx() ctx: CommandContext,
    @Param('id', uuidParam('id')) id: string,
    @Body() b: RecordMassEvaluationFindingsRequest,
  ): Promise<CommentCreatedResponse> {
    const { summary, findings, reason } = b;
    return this.record.execute(
      id,
      { summary, findings: findings.map(({ problem, rectification, deadline }) => ({ problem, rectification, deadline })), reason },
      ctx,
    );
  }
}
