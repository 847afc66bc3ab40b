// Rebuilds a service's projections from its event store, while the service runs (ADR 0024):
//
//   node -r @swc-node/register scripts/rebuild.ts evaluation|commendation [projection-name …] [--database platform|test]
//   node -r @swc-node/register scripts/rebuild.ts reporting [--database platform|test]   (from the Kafka topics, ADR 0040)
//
// Without names it rebuilds every projection the service registers
// (services/evaluation/src/infrastructure/projection/projections.ts). Progress goes to stderr.
import { Pool } from 'pg';
import { PostgresEventStore } from '@vanguard/event-store';
import { UsageError, databaseArg, databaseUrlOf, infraConfig, serviceDatabaseUrl, type Database } from '@vanguard/infra-config';
import { evaluationProjections } from '../services/evaluation/src/infrastructure/projection/projections';
import { rebuildProjections, type RebuildReport } from '@vanguard/event-store';
import { commendationProjections } from '../services/commendation/src/infrastructure/projection/projections';
import { rebuildReporting } from '../services/reporting/src/infrastructure/projection/rebuild';

/** The event-sourced services and their projection registries. */
const REGISTRIES = {
  evaluation: { projections: evaluationProjections, rebuild: rebuildProjections },
  commendation: { projections: commendationProjections, rebuild: rebuildProjections },
} as const;

/** A progress bar on stderr like the seed's: redrawn in place on a terminal, one final line otherwise. */
export function progressBar(label: string, started = Date.now()): (done: number, total: number) => void {
  let lastDraw = 0;
  let drawn = -1;
  return (done, total) => {
    const now = Date.now();
    if ((done < total && now - lastDraw < 200) || done === drawn) return;
    drawn = done;
    lastDraw = now;
    const pct = total ? done / total : 1;
    const width = 30;
    const filled = Math.round(pct * width);
    const secs = (now - started) / 1000;
    const rate = secs > 0 ? Math.round(done / secs) : 0;
    const line = `[rebuild] ${label.padEnd(12)} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${(pct * 100).toFixed(1).padStart(5)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')} events  ${rate.toLocaleString('en')}/s  ${secs.toFixed(1)}s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}${done >= total ? '\n' : ''}` : done >= total ? `${line}\n` : '');
  };
}

/** Reporting has no event store: its projections are rebuilt from the topics it follows. */
async function rebuildFromTopics(database: Database, signal?: AbortSignal): Promise<RebuildReport & { refused: number }> {
  const infra = infraConfig();
  const url = new URL(serviceDatabaseUrl('reporting', databaseUrlOf(database, infra)));
  url.searchParams.set('options', '-c search_path=reporting');
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  try {
    const r = await rebuildReporting(pool, {
      brokers: infra.kafkaBrokers,
      onProgress: progressBar('reporting'),
      onTopicCreated: (topic) => process.stderr.write(`[rebuild] ${topic} was not on the broker (nothing published yet): created it\n`),
      signal,
    });
    return {
      projections: ['rpt_org', 'rpt_member', 'rpt_fact'],
      events: r.records,
      ms: r.ms,
      caughtUpUnderLock: r.caughtUpUnderLock,
      refused: r.refused,
    };
  } finally {
    await pool.end();
  }
}

/** A usage mistake, refused before anything connects: a rebuild swaps live tables, so a typo must not start one. */
export function rebuildArgs(argv: readonly string[]): { service: string; names: string[]; database: Database } {
  const { database, rest } = databaseArg(argv);
  const options = rest.filter((a) => a.startsWith('-'));
  if (options.length) throw new UsageError(`unexpected option(s) ${options.join(' ')}`);
  const [service, ...names] = rest;
  const known = ['reporting', ...Object.keys(REGISTRIES)];
  if (!service || !known.includes(service)) throw new UsageError(`name the service whose projections to rebuild: ${known.join(', ')}`);
  // Reporting rebuilds its tables together: their totals are kept by triggers across all three.
  if (service === 'reporting') {
    if (names.length) throw new UsageError(`reporting rebuilds all its projections together and takes no names, got ${names.join(' ')}`);
  } else {
    const { projections } = REGISTRIES[service as keyof typeof REGISTRIES];
    const unknown = names.filter((n) => !projections.some((d) => d.name === n));
    if (unknown.length)
      throw new UsageError(`unknown projection(s) ${unknown.join(', ')}; known: ${projections.map((d) => d.name).join(', ')}`);
  }
  return { service, names, database };
}

async function rebuild(
  service: string,
  names: readonly string[],
  database: Database,
  signal?: AbortSignal,
): Promise<RebuildReport & { refused?: number }> {
  if (service === 'reporting') return rebuildFromTopics(database, signal);
  if (service !== 'evaluation' && service !== 'commendation')
    throw new Error(`no projections to rebuild for "${service}"; known: ${Object.keys(REGISTRIES).join(', ')}`);
  const { projections, rebuild: run } = REGISTRIES[service];
  // As the service role: it owns the read tables, so it may build, drop and rename them.
  const url = new URL(serviceDatabaseUrl(service, databaseUrlOf(database)));
  url.searchParams.set('options', `-c search_path=${service}`);
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  try {
    const store = new PostgresEventStore(pool, { schema: service });
    const chosen = names.length ? projections.filter((d) => names.includes(d.name)) : projections;
    return await run(pool, store, chosen, {
      onProgress: progressBar(service),
      onParked: (p, e, r) =>
        process.stderr.write(`\n[rebuild] ${p}: event ${e.eventId} (${e.type}) parked, the database refused it with ${r.code}\n`),
    });
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  const usage =
    'usage: rebuild.ts evaluation|commendation [projection-name …] [--database platform|test]\n       rebuild.ts reporting [--database platform|test]';
  let parsed: ReturnType<typeof rebuildArgs>;
  try {
    parsed = rebuildArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`[rebuild] ${(e as Error).message}\n${usage}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
  const { service, names } = parsed;
  // Reporting's: Ctrl-C or a SIGTERM stops the rebuild where it is and lets it drop its shadow tables; a second one exits at once.
  const interrupted = new AbortController();
  if (service === 'reporting')
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.on(signal, () => {
        if (interrupted.signal.aborted) process.exit(130);
        process.stderr.write(`\n[rebuild] ${signal}: stopping and dropping the shadow tables\n`);
        interrupted.abort(new Error(`interrupted by ${signal}`));
      });
  rebuild(service, names, parsed.database, interrupted.signal)
    .then((r) =>
      process.stderr.write(
        `[rebuild] ${r.projections.join(', ')}: ${r.events.toLocaleString('en')} events in ${(r.ms / 1000).toFixed(1)}s ` +
          `(${Math.round(r.events / Math.max(r.ms / 1000, 0.001)).toLocaleString('en')}/s), ${r.caughtUpUnderLock} caught up at the swap` +
          // Records the live consumer would dead-letter (unsigned, forged, off-contract): counted, not applied.
          `${r.refused === undefined ? '' : `, ${r.refused.toLocaleString('en')} refused`}\n`,
      ),
    )
    .catch((e: unknown) => {
      process.stderr.write(`[rebuild] ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
}
