import { Query } from '@nestjs/cqrs';
import type { Actor } from '../../ports/actor';
import type { ContactPointView, VisitView } from '../../ports/organization-read-model.port';

export class GetContactPointQuery extends Query<ContactPointView & { visits: VisitView[] }> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
  ) {
    super();
  }
}
