import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { LagUnavailable, ProjectionRunner, type ConsumerLag } from '../../infrastructure/projection/projection.runner';
import { LagAnswer } from './report-docs';

const WHY: Record<LagUnavailable['why'], string> = {
  disabled: '本实例未运行消费者 / the consumer is disabled in this instance: ask one that runs it',
  unreachable: '暂时无法连接 Kafka / Kafka did not answer in time: try again shortly',
};

/** How far the projections are behind their topics: whether a figure can be trusted yet. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('lag')
export class LagHttpController {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  @Get()
  @Roles('admin', 'auditor', 'organizer')
  @ApiOperation({ summary: '各来源主题的消费滞后 / consumer lag per source topic (records not yet applied)' })
  @LagAnswer()
  @ApiResponse({ status: 503, description: 'REPORT.LAG_UNAVAILABLE: the consumer is disabled here, or Kafka did not answer (Retry-After)' })
  async lag(): Promise<ConsumerLag> {
    try {
      return await this.runner.lag();
    } catch (e) {
      if (!(e instanceof LagUnavailable)) throw e;
      // A 500 said the service was broken; the broker being away is a state a caller waits out.
      throw new ServiceUnavailableException({
        code: 'REPORT.LAG_UNAVAILABLE',
        message: WHY[e.why],
        errors: [{ field: 'lag', reason: e.why }],
        retryAfterSec: e.why === 'disabled' ? 60 : 5,
      });
    }
  }
}
