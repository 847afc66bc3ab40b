import type { PostgresEventStore } from '../event-store';
import type { Subscription } from '../subscription';
import type { RecordedEvent } from '../types';
import { applyOrPark, ParkedEvents, type ParkReason } from './parked-events';
import { backendPid } from '../group-writes';
import { rebuildProjections } from './rebuild';
import type { ReadModel, ReadModelDefinition } from './read-model';

export interface ProjectionHubOptions {
  /** The one subscription name the service's read models share, e.g. `evaluation.projections`. */
  readonly subscription: string;
  /** Every read model the service may register, to build one that joins after the hub ran. */
  readonly definitions: readonly ReadModelDefinition[];
  readonly log?: (message: string) => void;
  readonly onError?: (error: unknown) => void;
  /** An event a read model could not store, recorded in `projection_parked_events` and skipped (ADR 0090): raise the alarm. */
  readonly onParked?: (projection: string, event: RecordedEvent, reason: ParkReason) => void;
}

const hubs = new WeakMap<PostgresEventStore, ProjectionHub>();

/**
 * One store subscription feeds every read model of a service (ADR 0035): each page of the
 * global log is read once, handed to each read model (`applyBatch` where it has one), and
 * checkpointed once. A subscription per read model read every page once per read model and
 * saved as many checkpoints; in evaluation that was about twenty of the twenty-five
 * statements one pledge command caused, and projection lag grew to seconds under load.
 *
 * A read model the shared checkpoint has not covered yet (added in a later release) cannot
 * start there: it would miss everything before it. On start it is built from the whole store
 * (the rebuild's shadow and swap) and then recorded in `projection_hub_members` of the store's
 * schema; instances do this one at a time under an advisory lock.
 *
 * Read models register before `start`; one registered later is refused.
 */
export class ProjectionHub {
  private readonly readModels = new Map<string, ReadModel>();
  private subscription: Subscription | undefined;
  private starting: Promise<void> | undefined;
  private readonly parked: ParkedEvents;

  private constructor(
    private readonly store: PostgresEventStore,
    private readonly options: ProjectionHubOptions,
  ) {
    this.parked = new ParkedEvents(store.schema);
  }

  /** The hub of this store instance: one per store, whichever runner asks first creates it. */
  static of(store: PostgresEventStore, options: ProjectionHubOptions): ProjectionHub {
    let hub = hubs.get(store);
    if (!hub) hubs.set(store, (hub = new ProjectionHub(store, options)));
    else if (hub.options.subscription !== options.subscription)
      throw new Error(`store ${store.schema} already has projection hub ${hub.options.subscription}`);
    return hub;
  }

  register(name: string, readModel: ReadModel): void {
    if (this.subscription || this.starting) throw new Error(`projection ${name} registered after the projections started`);
    if (this.readModels.has(name)) throw new Error(`projection ${name} registered twice`);
    this.readModels.set(name, readModel);
  }

  /** Idempotent: the first runner to boot starts it. */
  start(): Promise<void> {
    this.starting ??= this.join().then(() => {
      this.subscription = this.store.subscribe({
        name: this.options.subscription,
        batchHandler: (events) => this.deliver(events),
        onError: this.options.onError,
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
    // Independent tables: their statements overlap rather than queue one behind another. All
    // settle before a failure is reported, so the page's retry never overlaps this attempt.
    // An event one read model cannot store is parked for that read model alone (ADR 0090).
    const outcomes = await Promise.allSettled(
      [...this.readModels].map(async ([name, m]) => {
        try {
          await applyOrPark(m, events, async (event, reason) => {
            if (await this.parked.park(this.store.pool, name, event, reason)) this.options.onParked?.(name, event, reason);
          });
        } catch (e) {
          throw new Error(`projection ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
      }),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Builds every registered read model the shared checkpoint does not cover yet, then records it as covered. */
  private async join(): Promise<void> {
    const s = this.store.schema;
    const lock: [string, string] = ['vanguard-projection-hub', `${s}.${this.options.subscription}`];
    const client = await this.store.pool.connect();
    // The lock is this connection's session's: failed (cut, its backend ended), it is gone, and a
    // rebuild going on without it could run beside another instance's. Heard, it stops the rebuild.
    const lockLost = new AbortController();
    const lost = (e: Error) => lockLost.abort(new Error(`the projection hub's lock connection failed: ${e.message}`, { cause: e }));
    client.on('error', lost);
    try {
      await client.query(
        `create table if not exists "${s}".projection_hub_members (name text primary key, joined_at timestamptz not null default now())`,
      );
      // The backend's own pid, to check the lock by during the rebuild (a pooler's key is not it).
      const pid = await backendPid(client);
      await client.query('select pg_advisory_lock(hashtext($1), hashtext($2))', lock);
      await this.parked.ensureTable(client);
      const { rows } = await client.query<{ name: string }>(`select name from "${s}".projection_hub_members`);
      const members = new Set(rows.map((r) => r.name));
      const joining = [...this.readModels.keys()].filter((n) => !members.has(n));
      if (!joining.length) return;
      const started = await client.query(`select 1 from "${s}".subscription_checkpoints where subscription = $1`, [
        this.options.subscription,
      ]);
      if (started.rowCount) {
        const definitions = joining.map((name) => {
          const d = this.options.definitions.find((x) => x.name === name);
          if (!d) throw new Error(`projection ${name} joins a running hub but has no rebuild definition`);
          return d;
        });
        this.options.log?.(`building ${joining.join(', ')} from the store before it joins the shared subscription`);
        // The signal stops it when the lock's loss is heard; the held lock, checked per page and at the swap, when it was not.
        await rebuildProjections(this.store.pool, this.store, definitions, {
          onParked: this.options.onParked,
          signal: lockLost.signal,
          heldLock: { pid, keys: lock },
        });
      }
      await client.query(`insert into "${s}".projection_hub_members (name) select unnest($1::text[]) on conflict do nothing`, [joining]);
    } finally {
      // A connection that cannot unlock is not one to hand out again, heard failing or not.
      const unlocked = await client.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', lock).then(
        () => true,
        () => false,
      );
      // Kept heard on one that failed: its end may still bring an error event.
      if (!lockLost.signal.aborted && unlocked) client.off('error', lost);
      client.release(lockLost.signal.aborted || !unlocked);
    }
  }
}
