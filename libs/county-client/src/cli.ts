// `npm run county -- [--client <county client id>] <command> …`: a reference county system
// (simulated) publishing on the county inbound topic and reading its replies and the platform's
// decisions. Run with `node -r @swc-node/register libs/county-client/src/cli.ts`.
import fs from 'node:fs';
import path from 'node:path';
import type { CountyCliContext, CountySubcommand } from './cli-context';
import { CountyClient } from './county-client';
import { countyClientConfig } from './county-client.config';
import { USAGE, runCountyCommand } from './county-commands';
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

/** Takes the global options (`--client`, `--state-dir`, `--kafka-*`) off the front; the rest is the command's. */
function globalOptions(argv: readonly string[]): GlobalOptions & { rest: string[] } {
  const rest = [...argv];
  const options: GlobalOptions = { kafka: {} };
  for (;;) {
    const set = VALUED[rest[0] ?? ''];
    if (set && rest[1] !== undefined) set(options, rest.splice(0, 2)[1] as string);
    else if (rest[0] === '--kafka-ssl') {
      rest.shift();
      options.kafka.ssl = true;
    } else break;
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
  // The witness reads its county from `--client` itself; pass on the one this CLI was given.
  return mod.witnessCommand(args.includes('--client') ? args : [...args, '--client', ctx.clientId], ctx);
}

export async function main(argv: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const { clientId, stateDir, kafka, rest } = globalOptions(argv);
  if (rest[0] === '--help' || rest[0] === '-h') {
    out(USAGE);
    return 0;
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`✗ ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
