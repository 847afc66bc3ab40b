/**
 * What a subcommand of `npm run county` gets from the CLI (the `witness` module of helper
 * "witness" included): the county it acts as, its state directory and token, and where to print.
 */
export interface CountyCliContext {
  readonly clientId: string;
  /** The county's local state directory (sequences, sent messages, followed organisations, a witness's checkpoint). */
  readonly stateDir: string;
  readonly kafkaBrokers: readonly string[];
  /** A client-credentials access token of this county (cached until shortly before it expires). */
  token(): Promise<string>;
  /** The county organisation: the `org_id` claim of this county's token. */
  countyOrgId(): Promise<string>;
  /** One line for people (Chinese labels). */
  readonly out: (line: string) => void;
  /** Aborts on SIGINT / SIGTERM: long-running subcommands stop when it does. */
  readonly signal: AbortSignal;
}

/** The signature `libs/county-client/src/witness/index.ts` exports as `witnessCommand`. */
export type CountySubcommand = (args: readonly string[], ctx: CountyCliContext) => Promise<number>;
