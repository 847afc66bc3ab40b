import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { addDays } from '../../../domain/shared/day';
import { CLOCK, type Clock } from '../../ports/clock.port';
import {
  ORGANIZATION_READ_MODEL,
  type OrganizationReadModel,
  type ContactPointView,
  type Page,
} from '../../ports/organization-read-model.port';
import { scopedRoot } from '../scoped-reads';
import { ListContactPointsQuery } from './list-contact-points.query';

/** At least one visit a month is expected: "without a visit in the last month" means none in the last 30 days. */
export const VISIT_EXPECTED_EVERY_DAYS = 30;

@QueryHandler(ListContactPointsQuery)
export class ListContactPointsHandler implements IQueryHandler<ListContactPointsQuery, Page<ContactPointView>> {
  constructor(
    @Inject(ORGANIZATION_READ_MODEL) private readonly readModel: OrganizationReadModel,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}
  async execute({ actor, filter, page }: ListContactPointsQuery): Promise<Page<ContactPointView>> {
    const root = await scopedRoot(this.readModel, actor, filter.subtreeOf);
    const notVisitedSince = filter.withoutVisitInLastMonth ? addDays(this.clock.today(), -VISIT_EXPECTED_EVERY_DAYS) : undefined;
    return this.readModel.listContactPoints({ ...root, ...(notVisitedSince ? { notVisitedSince } : {}) }, page);
  }
}
