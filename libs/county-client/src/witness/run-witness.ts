import {
  developmentLogSigner,
  isDevelopmentLogKey,
  NoteVerifier,
  witnessKeyProblems,
  witnessSignerFromEnv,
} from '@vanguard/transparency-log';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CountyCliContext } from '../cli-context';
import { countyStateDir } from '../county-client.config';
import { EXIT, UsageError, checkFlags, parseArgs, seconds } from '../county-drafts';
import { AuditWitnessApi, type WitnessLogApi } from './audit-witness-api';
import { CheckpointWitness, type WitnessAnswer } from './checkpoint-witness';
import { WitnessStateFile } from './witness-state-file';

/** The log's verifier key the witness trusts (the operator publishes it); else the development log key. */
export const LOG_VKEY_VARIABLE = 'VANGUARD_LOG_VKEY';

/**
 * One round: fetch the proof from the witness's own size to `checkpoint`'s, let the witness
 * decide, and hand a cosignature in. The witness asks for the proof itself, from the size it
 * holds, so a log cannot choose which history it is compared with.
 */
export async function witnessCheckpoint(
  witness: CheckpointWitness,
  log: WitnessLogApi,
  checkpoint: string,
): Promise<WitnessAnswer & { witnessed?: boolean }> {
  const oldSize = (await witness.head())?.size ?? 0;
  const size = Number(checkpoint.split('\n')[1]);
  // A proof that cannot be fetched is an error, not an empty proof: the witness would call that a fork.
  const proof = oldSize > 0 && Number.isSafeInteger(size) && size > oldSize ? await fetchProof(log, oldSize, size) : [];
  const answer = await witness.addCheckpoint({ oldSize, proof, checkpoint });
  if (answer.outcome !== 'cosigned') return answer;
  const submitted = await log.submitCosigned(checkpoint + answer.cosignature);
  return { ...answer, witnessed: submitted.witnessed };
}

async function fetchProof(log: WitnessLogApi, from: number, to: number): Promise<Buffer[]> {
  try {
    return await log.consistency(from, to);
  } catch (e) {
    throw new Error(`the consistency proof from ${from} to ${to} could not be fetched, so nothing was decided: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

export interface RunWitnessOptions {
  /** The county's Keycloak client id: names the development witness key (e.g. county-songling). */
  readonly client: string;
  readonly auditUrl: string;
  readonly context?: 'evaluation' | 'commendation';
  /** Where the last checkpoint seen is kept. */
  readonly stateFile: string;
  /** Poll every so many ms; once when absent. */
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly print?: (line: string) => void;
}

/** Builds the witness from the environment; refuses development keys in production mode. */
export function witnessFromEnv(options: Pick<RunWitnessOptions, 'client' | 'context' | 'stateFile' | 'env'>): CheckpointWitness {
  const env = options.env ?? process.env;
  const context = options.context ?? 'evaluation';
  const origin = `vanguard.example/${context}`;
  const vkey = env[LOG_VKEY_VARIABLE]?.trim();
  const logKey = vkey ? NoteVerifier.parse(vkey) : developmentLogSigner(origin).verifier;
  if (env['VANGUARD_ENV'] === 'production' || env['NODE_ENV'] === 'production') {
    const problems = witnessKeyProblems(env, 'county-witness');
    if (isDevelopmentLogKey(logKey)) problems.push(`${LOG_VKEY_VARIABLE} must name the operator's log key, not the development one.`);
    if (problems.length) throw new Error(`the witness refuses to start in production mode:\n- ${problems.join('\n- ')}`);
  }
  return new CheckpointWitness({
    logKey,
    origin: logKey.name,
    signer: witnessSignerFromEnv(env, options.client),
    state: new WitnessStateFile(options.stateFile, logKey.name),
  });
}

/** Refusals that are evidence against the log: a daemon stops on them, an operator must look. */
const STOPS_THE_DAEMON: ReadonlySet<string> = new Set(['WITNESS.FORK', 'WITNESS.ROLLBACK', 'WITNESS.BAD_CHECKPOINT']);

/**
 * `npm run county -- witness`: asks the audit service for its latest checkpoint, checks and
 * cosigns it, and hands the cosignature back — once, or every `intervalMs` until `signal`.
 * Once, an error is thrown. Every `intervalMs`, an error (the audit service restarting, say) is
 * printed and the next round tried, while a fork, rollback or bad checkpoint ends the run: the
 * witness keeps refusing it and the operator must look. Returns the last round's answer.
 */
export async function runWitness(options: RunWitnessOptions): Promise<WitnessAnswer & { witnessed?: boolean }> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const witness = witnessFromEnv(options);
  const log = new AuditWitnessApi(options.auditUrl, options.context ?? 'evaluation');
  let last: (WitnessAnswer & { witnessed?: boolean }) | undefined;
  let lastError: Error | undefined;
  for (;;) {
    try {
      const answer = await witnessCheckpoint(witness, log, await log.latestCheckpoint());
      last = answer;
      lastError = undefined;
      print(
        answer.outcome === 'cosigned'
          ? `[见证 witness ${witness.name}] 已联署 cosigned size ${answer.size}${answer.firstSeen ? '（首次见到，首次信任 / first seen, trusted on first use）' : ''}${answer.witnessed ? '；已达法定数 / witnessed' : ''}`
          : `[见证 witness ${witness.name}] 拒绝 refused ${answer.code}: ${answer.reason}`,
      );
      if (answer.outcome === 'refused' && STOPS_THE_DAEMON.has(answer.code)) return answer;
    } catch (e) {
      if (!options.intervalMs) throw e;
      lastError = e instanceof Error ? e : new Error(String(e));
      print(
        `[见证 witness ${witness.name}] 出错 error: ${e instanceof Error ? e.message : String(e)}（${options.intervalMs / 1000} 秒后重试 / retrying）`,
      );
    }
    if (!options.intervalMs || options.signal?.aborted) break;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, options.intervalMs);
      options.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    if (options.signal?.aborted) break;
  }
  // Stopped before any round succeeded, or right after a failed one: that is what the exit code says.
  if (lastError || !last) throw lastError ?? new Error('the witness stopped before its first round');
  return last;
}

/** The flags of `witness`; `--client` and `--state-dir` are the CLI's global options. */
const WITNESS_FLAGS = { audit: 'value', state: 'value', context: 'value', every: 'value', client: 'value' } as const;

/** Below this a daemon would hammer the audit service (and `--every 0.001` was once accepted). */
export const MIN_EVERY_SECONDS = 1;

/**
 * Where a county's witness keeps what it saw of one log: `<state dir>/witness/<client>-<context>.json`.
 * Derived here only, from the state directory derived in countyStateDir: the daemon and a one-off
 * run, through either entry point, share it, so the lock serialises them and the second of two
 * forks is refused.
 */
export function witnessStateFile(stateDir: string, client: string, context: 'evaluation' | 'commendation'): string {
  return path.join(stateDir, 'witness', `${client}-${context}.json`);
}

/**
 * Where witness-main.ts kept the file before (relative to the working directory, ignoring
 * COUNTY_STATE_DIR). A witness that started afresh beside it would trust on first use again and
 * could cosign another fork at a size it already signed: it stops and names both files instead.
 */
function checkNoOtherStateFile(stateFile: string, client: string, context: string): void {
  const legacy = path.resolve('.vanguard', 'county', 'witness', `${client}-${context}.json`);
  if (legacy === stateFile || !existsSync(legacy)) return;
  throw new UsageError(
    existsSync(stateFile)
      ? `两个见证状态文件 / two witness state files for one key: ${legacy} and ${stateFile}; keep the one with the larger tree, remove the other`
      : `见证状态文件已移至 / the witness state file moved: move ${legacy} to ${stateFile} (or pass --state ${legacy})`,
  );
}

/**
 * `npm run county -- [--client <id>] witness [--audit <url>] [--state <file>] [--context evaluation|commendation] [--every <seconds>]`:
 * the county CLI passes its context (county, state directory, output, abort signal); run alone
 * (witness-main.ts) it uses the process's.
 */
export async function witnessCommand(
  argv: readonly string[],
  ctx?: Pick<CountyCliContext, 'clientId' | 'stateDir' | 'out' | 'signal'>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  checkFlags('witness', flags, WITNESS_FLAGS);
  if (positional.length) throw new UsageError(`witness 多余的参数: ${positional.join(' ')}`);
  const arg = (name: string): string | undefined => (typeof flags[name] === 'string' ? flags[name] : undefined);
  const client = arg('client') ?? ctx?.clientId ?? 'county-songling';
  // ctx.stateDir is the CLI's county's: another client's witness would file its state there.
  if (ctx && client !== ctx.clientId) throw new UsageError(`witness --client ${client} 与本次的县 ${ctx.clientId} 不同`);
  const contextArg = arg('context') ?? 'evaluation';
  if (contextArg !== 'evaluation' && contextArg !== 'commendation')
    throw new UsageError(`--context 须为 evaluation 或 commendation（收到 ${contextArg}）`);
  const context: 'evaluation' | 'commendation' = contextArg;
  const intervalMs = seconds(flags, 'every', MIN_EVERY_SECONDS);
  const given = arg('state');
  const stateFile = given ? path.resolve(given) : witnessStateFile(ctx?.stateDir ?? countyStateDir(client, env), client, context);
  if (!given) checkNoOtherStateFile(stateFile, client, context);
  let signal = ctx?.signal;
  if (!signal) {
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    signal = abort.signal;
  }
  const answer = await runWitness({
    client,
    context,
    auditUrl: arg('audit') ?? env['VANGUARD_AUDIT_URL'] ?? 'http://127.0.0.1:3006',
    stateFile,
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    signal,
    env,
    ...(ctx ? { print: ctx.out } : {}),
  });
  return answer.outcome === 'cosigned' ? EXIT.OK : answer.code === 'WITNESS.OLD_SIZE_MISMATCH' ? EXIT.ERROR : EXIT.REFUSED;
}
