import {
  developmentLogSigner,
  isDevelopmentLogKey,
  NoteVerifier,
  witnessKeyProblems,
  witnessSignerFromEnv,
} from '@vanguard/transparency-log';
import path from 'node:path';
import type { CountyCliContext } from '../cli-context';
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

/**
 * `npm run county -- witness`: asks the audit service for its latest checkpoint, checks and
 * cosigns it, and hands the cosignature back — once, or every `intervalMs` until `signal`.
 * Returns the last round's answer.
 */
export async function runWitness(options: RunWitnessOptions): Promise<WitnessAnswer & { witnessed?: boolean }> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const witness = witnessFromEnv(options);
  const log = new AuditWitnessApi(options.auditUrl, options.context ?? 'evaluation');
  for (;;) {
    const answer = await witnessCheckpoint(witness, log, await log.latestCheckpoint());
    print(
      answer.outcome === 'cosigned'
        ? `[见证 witness ${witness.name}] 已联署 cosigned size ${answer.size}${answer.firstSeen ? '（首次见到，首次信任 / first seen, trusted on first use）' : ''}${answer.witnessed ? '；已达法定数 / witnessed' : ''}`
        : `[见证 witness ${witness.name}] 拒绝 refused ${answer.code}: ${answer.reason}`,
    );
    if (!options.intervalMs || options.signal?.aborted) return answer;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, options.intervalMs);
      options.signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
    if (options.signal?.aborted) return answer;
  }
}

/**
 * `npm run county -- [--client <id>] witness [--audit <url>] [--state <file>] [--context evaluation|commendation] [--every <seconds>]`:
 * the county CLI passes its context (county, state directory, output, abort signal); run alone
 * (witness-main.ts) it uses the process's.
 */
export async function witnessCommand(
  argv: readonly string[],
  ctx?: Pick<CountyCliContext, 'clientId' | 'stateDir' | 'out' | 'signal'>,
): Promise<number> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const client = arg('client') ?? ctx?.clientId ?? 'county-songling';
  const context = arg('context') === 'commendation' ? 'commendation' : 'evaluation';
  const every = arg('every');
  if (every !== undefined && !(Number(every) > 0)) throw new Error('--every takes a number of seconds');
  let signal = ctx?.signal;
  if (!signal) {
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    signal = abort.signal;
  }
  const answer = await runWitness({
    client,
    context,
    auditUrl: arg('audit') ?? process.env['VANGUARD_AUDIT_URL'] ?? 'http://127.0.0.1:3006',
    stateFile: arg('state') ?? path.join(ctx?.stateDir ?? '.vanguard/county', 'witness', `${client}-${context}.json`),
    ...(every ? { intervalMs: Number(every) * 1000 } : {}),
    signal,
    ...(ctx ? { print: ctx.out } : {}),
  });
  return answer.outcome === 'cosigned' ? 0 : 1;
}
