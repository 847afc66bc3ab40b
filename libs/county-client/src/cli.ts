// `npm run county -- [--client <county client id>] <command> …`: a reference county system
// (simulated) publishing on the county inbound topic and reading its replies and the platform's
// decisions. Run with `node -r @swc-node/register libs/county-client/src/cli.ts`.
import fs from 'node:fs';
import path from 'node:path';
import type { CountyCliContext, CountySubcommand } from './cli-context';
import { CountyClient } from './county-client';
import { countyClientConfig } from './county-client.config';
import { USAGE, runCountyCommand } from './county-commands';
import { EXIT, UsageError } from './county-drafts';
import type { CountyKafkaOverrides } from './county-kafka';

type GlobalOptions = {
  clientId?: string;
  stateDir?: string;
  kafka: { -readonly [K in keyof CountyKafkaOverrides]: CountyKafkaOverrides[K] };
};

/** The global options that take a value, and where each goes. */
const VALUED: Readonly<Record<string, (o: GlobalOptions, v: string) => void>> = {
  '--client': (o, v) => (o.clientId = v),
  '--state-dir': (o, v) => (o.stateDir = path.resolve(v)),
  '--kafka-brokers': (o, v) => (o.kafka.brokers = v),
  '--kafka-sasl': (o, v) => (o.kafka.saslMechanism = v),
  '--kafka-user': (o, v) => (o.kafka.username = v),
  '--kafka-password-file': (o, v) => (o.kafka.passwordFile = path.resolve(v)),
  '--kafka-ca': (o, v) => (o.kafka.caFile = path.resolve(v)),
};

/**
 * Takes the global options (`--client`, `--state-dir`, `--kafka-*`) out, before the command or
 * after it (ADR 0109): `deeds --client county-hekou` once went out as the default county, the
 * flag ignored. The rest is the command's, which refuses what it does not know.
 */
export function globalOptions(argv: readonly string[]): GlobalOptions & { rest: string[] } {
  const rest: string[] = [];
  const options: GlobalOptions = { kafka: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const set = VALUED[name];
    if (a === '--kafka-ssl') options.kafka.ssl = true;
    else if (set && eq > 0) set(options, a.slice(eq + 1));
    else if (set) {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} 须带值`);
      set(options, v);
    } else rest.push(a);
  }
  return { ...options, rest };
}

// The witness module is helper "witness"'s (libs/county-client/src/witness); loaded only when asked for.
async function witness(args: readonly string[], ctx: CountyCliContext): Promise<number> {
  const dir = path.join(__dirname, 'witness');
  if (!fs.existsSync(path.join(dir, 'index.ts')) && !fs.existsSync(path.join(dir, 'index.js'))) {
    ctx.out('见证人模块尚未提供（libs/county-client/src/witness）');
    return 2;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional module, resolved at run time
  const mod = require(dir) as { witnessCommand?: CountySubcommand };
  if (!mod.witnessCommand) throw new Error('libs/county-client/src/witness 未导出 witnessCommand');
  // `--client` is a global option, already taken out: the witness acts as ctx.clientId, in ctx.stateDir.
  return mod.witnessCommand(args, ctx);
}

/** `npm run county -- …`, and witness-main.ts as `witness …`: one parser, one state directory, one set of exit codes. */
export async function main(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  try {
    return await run(argv, out);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    out(`错误: ${e.message}`);
    return EXIT.USAGE;
  }
}

async function run(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const { clientId, stateDir, kafka, rest } = globalOptions(argv);
  if (rest[0] === '--help' || rest[0] === '-h') {
    out(USAGE);
    return EXIT.OK;
  }
  const config = countyClientConfig({ ...(clientId ? { clientId } : {}), ...(stateDir ? { stateDir } : {}), kafka });
  const client = new CountyClient(config);
  const ctl = new AbortController();
  const stop = () => ctl.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const [command, ...args] = rest;
    if (command === 'witness')
      return await witness(args, {
        clientId: config.clientId,
        stateDir: config.stateDir,
        kafkaBrokers: config.kafkaBrokers,
        token: () => client.tokens.token(),
        countyOrgId: async () => (await client.identity()).countyOrgId,
        out,
        signal: ctl.signal,
      });
    return await runCountyCommand(client, command, args, out, ctl.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await client.close();
  }
}

/** Runs `main` as a process: an unexpected error (an outage, most often) is printed and exits EXIT.ERROR. */
export function runAsProcess(argv: readonly string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`✗ ${e instanceof Error ? e.message : String(e)}`);
      process.exit(EXIT.ERROR);
    },
  );
}

if (require.main === module) runAsProcess(process.argv.slice(2));
