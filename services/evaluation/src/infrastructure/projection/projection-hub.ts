import { Logger } from '@nestjs/common';
import type { PostgresEventStore, RecordedEvent, Subscription } from '@vanguard/event-store';
import { evaluationProjections, type EvaluationProjection, type ProjectionDefinition } from './projections';
import { rebuildProjections } from './rebuild';

/** The one subscription name every read model of a store shares. */
export const PROJECTIONS_SUBSCRIPTION = 'evaluation.projections';

const hubs = new WeakMap<PostgresEventStore, ProjectionHub>();

/**
 * One store subscription feeds every read model of the service: each page of the global log
 * is read once, handed to each projection (`applyBatch` where it has one), and checkpointed
 * once. With a subscription per read model, six of them read every page six times and saved
 * six checkpoints, about twenty of the twenty-five statements one pledge command caused, and
 * projection lag grew to seconds under load (ADR 0035).
 *
 * A read model that was not fed by this subscription before (a slice added since, or a fresh
 * name) cannot start at the shared checkpoint: it would miss everything before it. It joins
 * by being rebuilt from the whole store first (ADR 0024's shadow and swap), then is recorded
 * in `projection_hub_members`; every instance does this under one advisory lock.
 *
 * Runners register their projection in their constructors and start the hub when the
 * application boots, so every registration precedes the first delivery.
 */
export class ProjectionHub {
  private readonly projections = new Map<string, EvaluationProjection>();
  private subscription: Subscription | undefined;
  private starting: Promise<void> | undefined;
  private readonly logger = new Logger('projections');

  private constructor(
    private readonly store: PostgresEventStore,
    private readonly definitions: readonly ProjectionDefinition[],
  ) {}

  static of(store: PostgresEventStore, definitions: readonly ProjectionDefinition[] = evaluationProjections): ProjectionHub {
    let hub = hubs.get(store);
    if (!hub) hubs.set(store, (hub = new ProjectionHub(store, definitions)));
    return hub;
  }

  register(name: string, projection: EvaluationProjection): void {
    if (this.subscription || this.starting) throw new Error(`projection ${name} registered after the projections started`);
    if (this.projections.has(name)) throw new Error(`projection ${name} registered twice`);
    this.projections.set(name, projection);
  }

  /** Idempotent: the first runner to boot starts it. */
  start(): Promise<void> {
    this.starting ??= this.join().then(() => {
      this.subscription = this.store.subscribe({
        name: PROJECTIONS_SUBSCRIPTION,
        batchHandler: (events) => this.deliver(events),
        onError: (e) => this.logger.error(e instanceof Error ? e.message : String(e)),
      });
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const s = this.subscription;
    this.subscription = undefined;
    await s?.stop();
  }

  private async deliver(events: readonly RecordedEvent[]): Promise<void> {
    // Independent tables: their statements overlap rather than queue one behind another.
    await Promise.all(
      [...this.projections].map(async ([name, p]) => {
        try {
          if (p.applyBatch) await p.applyBatch(events);
          else for (const e of events) await p.apply(e);
        } catch (e) {
          throw new Error(`projection ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }),
    );
  }

  /** Builds every registered read model the shared checkpoint does not cover yet, then records it as covered. */
  private async join(): Promise<void> {
    const s = this.store.schema;
    const client = await this.store.pool.connect();
    try {
      await client.query('select pg_advisory_lock(hashtext($1), hashtext($2))', ['vanguard-projection-hub', s]);
      const { rows } = await client.query<{ name: string }>(`select name from "${s}".projection_hub_members`);
      const members = new Set(rows.map((r) => r.name));
      const joining = [...this.projections.keys()].filter((n) => !members.has(n));
      if (!joining.length) return;
      const started = await client.query(`select 1 from "${s}".subscription_checkpoints where subscription = $1`, [
        PROJECTIONS_SUBSCRIPTION,
      ]);
      if (started.rowCount) {
        const definitions = joining.map((name) => {
          const d = this.definitions.find((x) => x.name === name);
          if (!d) throw new Error(`projection ${name} joins a running hub but has no rebuild definition`);
          return d;
        });
        this.logger.log(`building ${joining.join(', ')} from the store before it joins the shared subscription`);
        await rebuildProjections(this.store.pool, this.store, definitions);
      }
      await client.query(`insert into "${s}".projection_hub_members (name) select unnest($1::text[]) on conflict do nothing`, [joining]);
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', ['vanguard-projection-hub', s]).catch(() => undefined);
      client.release();
    }
  }
}
