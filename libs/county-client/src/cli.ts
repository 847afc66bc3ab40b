// `npm run county -- [--client <county client id>] <command> …`: a reference county system
// (simulated) publishing on the county inbound topic and reading its replies and the platform's
// decisions. Run with `node -r @swc-node/register libs/county-client/src/cli.ts`.
import fs from 'node:fs';
import path from 'node:path';
import type { CountyCliContext, CountySubcommand } from './cli-context';
import { CountyClient } from './county-client';
import { countyClientConfig } from './county-client.config';
import { runCountyCommand } from './county-commands';

/** Takes the global `--client` / `--state-dir` options off the front; the rest is the command's. */
function globalOptions(argv: readonly string[]): { clientId?: string; stateDir?: string; rest: string[] } {
  const rest = [...argv];
  const options: { clientId?: string; stateDir?: string } = {};
  for (;;) {
    if (rest[0] === '--client' && rest[1]) options.clientId = rest.splice(0, 2)[1];
    else if (rest[0] === '--state-dir' && rest[1]) options.stateDir = path.resolve(rest.splice(0, 2)[1] as string);
    else break;
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
  const { clientId, stateDir, rest } = globalOptions(argv);
  const config = countyClientConfig({ ...(clientId ? { clientId } : {}), ...(stateDir ? { stateDir } : {}) });
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
