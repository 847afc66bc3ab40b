/** What an aggregate records when it changes; mapped to a published contract by the application layer. */
export interface DomainEvent<TName extends string = string, TData = Record<string, unknown>> {
  readonly name: TName;
  /** Stream category and aggregate id: the event's streamId is `<stream>-<aggregateId>`. */
  readonly stream: 'organization' | 'member' | 'contact-point';
  readonly aggregateId: string;
  /** The organisation whose subtree scopes the event. */
  readonly orgId: string;
  readonly data: TData;
}

export abstract class AggregateRoot {
  private pending: DomainEvent[] = [];

  protected record(event: DomainEvent): void {
    this.pending.push(event);
  }

  /** The events recorded since the last pull; the handler hands them to the outbox. */
  pullEvents(): DomainEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
