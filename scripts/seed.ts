// Demo data shaped like the seed documents (docs: services/organization/README.md):
//
//   node -r @swc-node/register scripts/seed.ts --size county|province [--database platform|test]
//
// county   ≈ 松岭旗: 541 organisations, 13,378 members, 541 contact points (seed 002)
// province ≈ 示范省: 11 cities, 170 counties, ≥ 150,000 organisations, ≥ 3,000,000 members
//
// Idempotent: ids derive from codes, rows insert `on conflict do nothing`, so a second run
// adds nothing. Organisations publish OrganizationRegistered through the outbox; members
// are bulk rows without per-member MemberJoined events.
import { Pool } from 'pg';
import { UsageError, databaseArg, databaseUrlOf, isProductionMode, serviceDatabaseUrl, type Database } from '@vanguard/infra-config';
import { pgSql } from '@vanguard/keys';
import { AesGcmPersonalDataCipher } from '../services/organization/src/infrastructure/crypto/aes-gcm-personal-data-cipher';
import { BulkSeeder } from '../services/organization/src/infrastructure/seed/bulk-seeder';
import { SystemClock } from '../services/organization/src/infrastructure/system/system-clock';
import { DEMO_REGION } from '../services/organization/src/infrastructure/seed/demo-region';
import {
  SONGLING,
  countyMembers,
  countyOrganizations,
  mulberry32,
  provincePlan,
  type CountyPlan,
} from '../services/organization/src/infrastructure/seed/synthetic-region';
import { seedEvaluationDemo } from '../services/evaluation/src/infrastructure/seed';
import { seedAssistanceDemo } from '../services/assistance/src/infrastructure/seed/demo-assistance.seed';
import { seedPublicityDemo } from '../services/publicity/src/infrastructure/seed/demo-publicity.seed';
import { seedCommendationDemo } from '../services/commendation/src/infrastructure/seed/demo-commendation.seed';
import { migrate } from './migrate';

function arg(argv: readonly string[], name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.split('=')[1]! : i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
}

const started = Date.now();
let lastDraw = 0;
function bar(label: string): (done: number, total: number) => void {
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - lastDraw < 200) return;
    lastDraw = now;
    const pct = total ? done / total : 1;
    const width = 30;
    const filled = Math.round(pct * width);
    const line = `[seed] ${label.padEnd(14)} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${(pct * 100).toFixed(1).padStart(5)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')}  ${((now - started) / 1000).toFixed(1)}s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line}${done >= total ? '\n' : ''}` : done >= total ? `${line}\n` : '');
  };
}

export async function seed(size: 'county' | 'province', database: Database): Promise<Record<string, number>> {
  await migrate(database);
  const url = new URL(serviceDatabaseUrl('organization', databaseUrlOf(database)));
  url.searchParams.set('options', '-c search_path=organization');
  const pool = new Pool({ connectionString: url.toString(), max: 6 });
  // The service's own data keys (wrapped in data_keys), so seeded members read in the service.
  const seeder = new BulkSeeder(pool, await AesGcmPersonalDataCipher.load(pgSql(pool)));
  const result = { organizations: 0, members: 0, contactPoints: 0 };
  try {
    const { cities, counties } = size === 'province' ? provincePlan() : { cities: [], counties: [SONGLING] as CountyPlan[] };
    // The demo region first (the realm's users point into it), then the cities.
    const top = [...DEMO_REGION, ...cities.filter((c) => !DEMO_REGION.some((d) => d.code === c.code))];
    result.organizations += await seeder.organizations(top);
    const plans = counties.map((plan) => ({ plan, orgs: countyOrganizations(plan) }));
    const allOrgs = plans.flatMap((p) => p.orgs);
    result.organizations += await seeder.organizations(allOrgs, bar('organisations'));
    const totalMembers = counties.reduce((n, c) => n + c.members, 0);
    function* everyone() {
      // Probationary members are drawn as of today, so the demo has some in probation and some due for 转正 (ADR 0154).
      for (const { plan, orgs } of plans) yield* countyMembers(plan, orgs, new SystemClock().today());
    }
    result.members = await seeder.members(everyone(), totalMembers, bar('members'));
    result.contactPoints = await seeder.contactPoints(allOrgs, new Date(), mulberry32(42));
    const [{ orgs, members }] = (
      await pool.query<{ orgs: number; members: number }>(
        `select (select count(*)::int from organizations) as orgs, (select count(*)::int from members where membership = 'active') as members`,
      )
    ).rows as [{ orgs: number; members: number }];
    process.stderr.write(
      `[seed] ${size}: +${result.organizations} organisations, +${result.members} members, +${result.contactPoints} contact points ` +
        `(now ${orgs} organisations, ${members} active members) in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
    );
  } finally {
    await pool.end();
  }
  return result;
}

/** 松岭旗's organisations and, per village, the member the assistance demo dispatches (its fourth member). */
export async function seedAssistance(database: Database): Promise<void> {
  const orgs = [...DEMO_REGION.filter((o) => !o.code.startsWith(SONGLING.code)), ...countyOrganizations(SONGLING)];
  const seen = new Map<string, number>();
  const members = new Map<string, string>();
  const codeOf = new Map(orgs.map((o) => [o.id, o.code]));
  for (const m of countyMembers(SONGLING, countyOrganizations(SONGLING))) {
    const code = codeOf.get(m.orgId) ?? '';
    const n = seen.get(code) ?? 0;
    seen.set(code, n + 1);
    if (n === 3) members.set(code, m.id);
  }
  const r = await seedAssistanceDemo(serviceDatabaseUrl('assistance', databaseUrlOf(database)), orgs, members);
  process.stderr.write(`[seed] assistance: ${r.created ? `recorded (${r.events} events)` : 'already there'}\n`);
}

/** Why `npm run seed` will not run here, or undefined; its arguments are parsed by the same rules it runs by. */
export function seedRefusal(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): { code: number; message: string } | undefined {
  // Demo members, ballots and commendations among real ones could not be told apart afterwards.
  if (isProductionMode(env))
    return {
      code: 78,
      message: 'seed writes demo data and refuses in production mode (VANGUARD_ENV/NODE_ENV=production); unset it to seed a demo database',
    };
  try {
    const { rest } = databaseArg(argv);
    const size = arg(rest, 'size', 'county');
    if (size !== 'county' && size !== 'province') throw new UsageError(`--size must be county or province, not ${JSON.stringify(size)}`);
  } catch (e) {
    if (e instanceof UsageError)
      return { code: 2, message: `${e.message}\nusage: seed.ts --size county|province [--database platform|test]` };
    throw e;
  }
  return undefined;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const refusal = seedRefusal(argv);
  if (refusal) {
    process.stderr.write(`[seed] ${refusal.message}\n`);
    process.exit(refusal.code);
  }
  const { database, rest } = databaseArg(argv);
  const size = arg(rest, 'size', 'county') as 'county' | 'province';
  const url = (service: 'evaluation' | 'commendation' | 'publicity') => serviceDatabaseUrl(service, databaseUrlOf(database));
  seed(size, database)
    // The evaluation demo (松岭旗's running campaign) after the region it lies in.
    .then(() => seedEvaluationDemo(url('evaluation')))
    .then((reports) => {
      for (const r of reports) {
        process.stderr.write(`[seed] evaluation ${r.slice}: ${r.created ? `recorded (${r.events} events)` : 'already there'}\n`);
      }
    })
    // The assistance demo in 松岭旗's villages, with a roster copy of the region it lies in.
    .then(() => seedAssistance(database))
    // 松岭旗's commendations: the 2011 programme decided, the 2012 one at every stage.
    .then(() => seedCommendationDemo(url('commendation')))
    .then((r) => process.stderr.write(`[seed] commendation: ${r.created ? `recorded (${r.events} events)` : 'already there'}\n`))
    // Publicity: a column and articles at every media level; exemplars arrive from the commendation demo through Kafka.
    .then(() => seedPublicityDemo(url('publicity')))
    .then((r) => process.stderr.write(`[seed] publicity: ${r.created ? 'recorded' : 'already there'}\n`))
    .catch((e: unknown) => {
      process.stderr.write(`[seed] ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    });
}
