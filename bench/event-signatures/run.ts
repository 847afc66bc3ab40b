/**
 * What signing every public event costs (ADR 0059): Ed25519 over the canonical JSON of an
 * envelope, signed once by the producer's relay and verified once by each consumer. One
 * thread, so the figures are per core. A realistic envelope: a CommendationDecided with its
 * decision (about 1 KB of JSON), and a small PledgeMade.
 *
 * Then a consumer's batch (ADR 0068): `verifyAll` over chunks of EVENT_SIGNATURE_BATCH records,
 * the Ed25519 checks on libuv's thread pool (UV_THREADPOOL_SIZE, default 4): records/s on the
 * clock, and how long the event loop itself was busy per record (the consumer's own thread).
 *
 *   npm run bench:event-signatures            (EVENT_SIGNATURE_ROUNDS=20000, EVENT_SIGNATURE_BATCH=500 by default)
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { EventSigner, EventVerifier, eventSigningInput } from '@vanguard/auth';
import type { EventEnvelope } from '@vanguard/contracts';

const ROUNDS = Number(process.env['EVENT_SIGNATURE_ROUNDS'] ?? 20_000);
const BATCH = Number(process.env['EVENT_SIGNATURE_BATCH'] ?? 500);
const org = randomUUID();

function envelope(type: string, streamId: string, data: unknown): EventEnvelope {
  const at = new Date().toISOString();
  return {
    eventId: randomUUID(),
    type,
    version: 1,
    streamId,
    streamVersion: 7,
    occurredAt: at,
    recordedAt: at,
    actor: { sub: 'county.organizer', roles: ['organizer'], orgId: org, kind: 'user' },
    orgId: org,
    correlationId: randomUUID(),
    causationId: null,
    data,
  };
}

const nominationId = randomUUID();
const decided = envelope('commendation.CommendationDecided', `nomination-${nominationId}`, {
  nominationId,
  programmeId: randomUUID(),
  category: 'outstanding_member',
  nominee: { kind: 'member', id: randomUUID(), name: '王红梅', orgId: org, orgName: '红石村党支部' },
  deedsSummary: '带领群众发展合作社三年，带动四十二户增收，修通进村路两公里，调解纠纷十余起。',
  documentNumber: '松组发〔2026〕5号',
  decidedOn: '2026-06-28',
  decision: {
    decidedBy: { sub: 'county-committee', role: 'organizer', orgId: org },
    inputs: Array.from({ length: 6 }, (_, i) => ({ streamId: `nomination-${nominationId}`, version: i + 1 })),
    rule: { id: 'commendation.decision.committee-vote', version: 1 },
    reason: '经县委常委会研究决定',
  },
});
const pledgeId = randomUUID();
const pledge = envelope('evaluation.PledgeMade', `pledge-${pledgeId}`, {
  pledgeId,
  campaignId: randomUUID(),
  cycleId: randomUUID(),
  pledger: { kind: 'organization', id: org },
  orgId: org,
  category: 'deed_for_masses',
  content: '硬化村内道路两公里',
  dueOn: '2026-12-31',
  followsPledgeId: null,
});

function measure(label: string, work: () => void): number {
  for (let i = 0; i < Math.min(2_000, ROUNDS); i++) work(); // warm up
  const started = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const perSecond = ROUNDS / seconds;
  console.log(
    `${label.padEnd(44)} ${Math.round(perSecond).toLocaleString('en').padStart(8)} /s per core  ${((seconds / ROUNDS) * 1e6).toFixed(1).padStart(6)} µs each`,
  );
  return perSecond;
}

const batches: [EventEnvelope, string][] = [];

/**
 * The CPU time of this process's main thread in ms, from Linux's /proc (process.cpuUsage counts
 * the thread pool too, and the event loop's utilisation counts time the thread waited for a core).
 */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15 of stat, in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Records/s on the clock, and the main thread's CPU per record: what the consumer's own thread still spends. */
async function measureBatches(label: string, signed: EventEnvelope): Promise<void> {
  // Typed so that this script also runs against a tree without verifyAll (the figures before ADR 0068).
  const all: { verifyAll?: (es: readonly EventEnvelope[]) => Promise<{ ok: boolean }[]> } = verifier;
  if (!all.verifyAll) return console.log(`${label}: no verifyAll here`);
  const batch = Array.from({ length: BATCH }, () => signed);
  const run = async (records: number) => {
    for (let done = 0; done < records; done += BATCH)
      if ((await all.verifyAll!(batch)).some((c) => !c.ok)) throw new Error('a signed event did not verify');
  };
  await run(Math.min(2_000, ROUNDS)); // warm up
  const cpu = mainThreadCpuMs();
  const started = process.hrtime.bigint();
  await run(ROUNDS);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const busyMs = mainThreadCpuMs() - cpu;
  const records = Math.ceil(ROUNDS / BATCH) * BATCH;
  console.log(
    `${label.padEnd(44)} ${Math.round(records / seconds)
      .toLocaleString('en')
      .padStart(8)} /s on the clock  ${((busyMs / records) * 1e3).toFixed(1).padStart(6)} µs of the main thread's CPU each`,
  );
}

const verifier = EventVerifier.forContexts(['organization', 'evaluation', 'commendation', 'assistance', 'publicity'], {});
for (const [name, e, context] of [
  ['CommendationDecided', decided, 'commendation'],
  ['PledgeMade', pledge, 'evaluation'],
] as const) {
  const signer = EventSigner.forContext(context, {});
  const signed = signer.sign(e);
  console.log(`${name}: ${JSON.stringify(signed).length} bytes of JSON signed`);
  measure(`  canonical JSON (the signing input)`, () => eventSigningInput(signed));
  measure(`  sign (relay, once per event)`, () => signer.sign(e));
  measure(`  verify (each consumer, once per event)`, () => {
    if (!verifier.verify(signed).ok) throw new Error('a signed event did not verify');
  });
  batches.push([signed, `${name}: verifyAll, batches of ${BATCH} (thread pool)`]);
}

void (async () => {
  for (const [signed, label] of batches) await measureBatches(label, signed);
})();
