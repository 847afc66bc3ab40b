import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { Counter, type Registry } from 'prom-client';
import {
  OrganizationDissolved,
  OrganizationMerged,
  OrganizationMoved,
  OrganizationRegistered,
  OrganizationRenamed,
  publicContracts,
} from '@vanguard/contracts';
import {
  EventConsumer,
  PermanentHandlerError,
  PgInbox,
  handle,
  type EventHandler,
  type InboxTableOptions,
  type MessagingLogger,
} from '@vanguard/messaging';
import { OrgEventVerifier } from './org-event-signature';
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
  /**
   * Default true: a copy starting empty needs the whole history. A copy bootstrapped from a
   * snapshot of the tree may start at the topic's end instead.
   */
  readonly fromBeginning?: boolean;
  /** The organization service's public keys; default `OrgEventVerifier.fromEnv()`. */
  readonly verifier?: OrgEventVerifier;
}

const REJECTED_METRIC = 'vanguard_org_tree_rejected_total';

function rejectedCounter(registry: Registry | undefined): Counter<'reason'> | undefined {
  if (!registry) return undefined;
  const existing = registry.getSingleMetric(REJECTED_METRIC) as Counter<'reason'> | undefined;
  return (
    existing ??
    new Counter({
      name: REJECTED_METRIC,
      help: 'Organisation events refused by the org-tree copy because the organization service did not sign them',
      labelNames: ['reason'],
      registers: [registry],
    })
  );
}

/**
 * The reusable consumer every service runs to keep its copy of the organisation tree:
 * organization events → signature check → org_tree (exactly once, via the inbox) →
 * ScopeService's memory. An event the organization service did not sign changes nothing:
 * it is dead-lettered at once (`handler-failed`, with the reason) and counted in
 * `vanguard_org_tree_rejected_total{reason}` (ADR 0010).
 */
export function createOrgTreeConsumer(o: OrgTreeConsumerOptions): EventConsumer<PoolClient> {
  const projection = new OrgTreeProjection(o.tree);
  const verifier = o.verifier ?? OrgEventVerifier.fromEnv();
  const rejected = rejectedCounter(o.metrics);
  const project: EventHandler<PoolClient> = async (event, { tx }) => {
    const signed = verifier.verify(event);
    if (!signed.ok) {
      rejected?.inc({ reason: signed.reason });
      o.logger?.warn(
        { eventId: event.eventId, type: event.type, streamId: event.streamId, reason: signed.reason },
        'unsigned organisation event refused',
      );
      throw new PermanentHandlerError(`organisation event not signed by the organization service (${signed.reason})`);
    }
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
    fromBeginning: o.fromBeginning ?? true,
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
}
