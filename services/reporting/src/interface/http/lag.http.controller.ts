import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vanguard/auth';
import { ProjectionRunner } from '../../infrastructure/projection/projection.runner';

/** How far the projections are behind their topics: whether a figure can be trusted yet. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('lag')
export class LagHttpController {
  constructor(@Inject(ProjectionRunner) private readonly runner: ProjectionRunner) {}

  @Get()
  @Roles('admin', 'auditor', 'organizer')
  @ApiOperation({ summary: '各来源主题的消费滞后 / consumer lag per source topic (records not yet applied)' })
  lag() {
    return this.runner.lag();
  }
}
