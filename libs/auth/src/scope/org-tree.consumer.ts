import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Registry } from 'prom-client';
import {
  OrganizationDissolved,
  OrganizationMerged,
  OrganizationMoved,
  OrganizationRegistered,
  OrganizationRenamed,
  publicContracts,
} from '@vanguard/contracts';
import { EventConsumer, PgInbox, handle, type EventHandler, type InboxTableOptions, type MessagingLogger } from '@vanguard/messaging';
import { OrgTreeProjection } from './org-tree.projection';
import type { OrgTreeTableOptions } from './org-tree.schema';
import type { ScopeService } from './scope.service';

export interface OrgTreeConsumerOptions {
  readonly kafka: Kafka;
  /** One group per service, e.g. `evaluation.org-tree`. */
  readonly groupId: string;
  /** The service's own pool; org_tree and the inbox live in its schema. */
  readonly pool: Pool;
  readonly scope: ScopeService;
  readonly topic?: string;
  readonly tree?: OrgTreeTableOptions;
  readonly inbox?: InboxTableOptions;
  readonly metrics?: Registry;
  readonly logger?: MessagingLogger;
}

/**
 * The reusable consumer every service runs to keep its copy of the organisation tree:
 * organization events → org_tree (exactly once, via the inbox) → ScopeService's memory.
 */
export function createOrgTreeConsumer(o: OrgTreeConsumerOptions): EventConsumer<PoolClient> {
  const projection = new OrgTreeProjection(o.tree);
  const project: EventHandler<PoolClient> = async (event, { tx }) => {
    const change = await projection.apply(tx, event);
    // Applied before commit: if the transaction fails the event is redelivered and the
    // same (idempotent) change is applied again, so memory never drifts from the table.
    o.scope.applyChange(change);
  };
  return new EventConsumer<PoolClient>({
    kafka: o.kafka,
    groupId: o.groupId,
    topics: [o.topic ?? OrganizationRegistered.topic],
    contracts: publicContracts,
    inbox: new PgInbox(o.pool, o.inbox),
    handlers: {
      ...handle(OrganizationRegistered, project),
      ...handle(OrganizationRenamed, project),
      ...handle(OrganizationMoved, project),
      ...handle(OrganizationMerged, project),
      ...handle(OrganizationDissolved, project),
    },
    fromBeginning: true,
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
}
