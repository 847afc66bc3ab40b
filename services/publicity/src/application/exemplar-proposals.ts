import {
  CommendationDecided,
  CommendationRevoked,
  ExemplarProposed,
  QuarterPioneerNominated,
  personalNumbersPublishedIn,
  QuarterPioneerSelected,
  type ContractEvent,
} from '@vanguard/contracts';
import { PermanentHandlerError } from '@vanguard/messaging';
import { randomUUID } from 'node:crypto';
import { escapeHtml } from '../domain/content/sanitize';
import { SERVICE_ACTOR, type Tx } from '../infrastructure/persistence/unit-of-work';

/**
 * What consumed decisions do here. Each runs in the inbox transaction (libs/messaging), so a
 * redelivered event finds its inbox row and changes nothing. The contract already refused a
 * malformed event before it got here; these checks refuse one that is well formed but does not
 * hang together — published on another context's topic, or naming a stream that is not its own —
 * which is how a hand-made event shows itself. Refusals are permanent: dead-lettered, never applied.
 */
export class ForgedEvent extends PermanentHandlerError {}

export interface Origin {
  readonly topic: string;
}

/** A consumed event on its own context's topic and naming its own stream (a forgery otherwise). */
export function mustHangTogether(
  event: { type: string; streamId: string },
  expectedTopic: string,
  origin: Origin,
  expectedStream: string,
): void {
  if (origin.topic !== expectedTopic) throw new ForgedEvent(`${event.type} arrived on ${origin.topic}, not on ${expectedTopic}`);
  if (event.streamId !== expectedStream)
    throw new ForgedEvent(`${event.type} names stream ${event.streamId}, but its data says ${expectedStream}`);
}

export async function commendationDecided(tx: Tx, event: ContractEvent<typeof CommendationDecided>, origin: Origin): Promise<void> {
  const d = event.data;
  mustHangTogether(event, CommendationDecided.topic, origin, `nomination-${d.nominationId}`);
  const name = shownName(d.nominee.name);
  const inserted = await tx.query(
    `insert into commendations (nomination_id, programme_id, category, nominee_kind, nominee_id, name, org_id, org_name, document_number, decided_on)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (nomination_id) do nothing returning nomination_id`,
    [
      d.nominationId,
      d.programmeId,
      d.category,
      d.nominee.kind,
      d.nominee.id,
      name,
      d.nominee.orgId,
      d.nominee.orgName,
      shownDocumentNumber(d.documentNumber),
      d.decidedOn,
    ],
  );
  // A second decision for the same nomination (a re-published copy under a new id) proposes nothing more.
  if (inserted.length === 0) return;
  await tx.query(
    `insert into honour_roll_history (at, change, name, org_name, category, document_number) values ($1, 'commended', $2, $3, $4, $5)`,
    [event.occurredAt, name, d.nominee.orgName, d.category, shownDocumentNumber(d.documentNumber)],
  );
  await tx.honourRollChanged();
  await propose(tx, event.eventId, {
    kind: 'commendation',
    stream: event.streamId,
    nominationId: d.nominationId,
    subjectKind: d.nominee.kind,
    subjectId: d.nominee.id,
    name,
    orgId: d.nominee.orgId,
    orgName: d.nominee.orgName,
    category: d.category,
    story: escapeHtml(d.deedsSummary),
  });
}

/**
 * A revocation's reason as the public history shows it. Commendation refuses an ID-card or phone
 * number in a decision's reason and document number (DecisionTextCarriesNoPersonalNumbersRule); a
 * decision taken before that rule, or by a service that lacks it, is still shown without one.
 */
export function shownReason(said: string): string {
  const reason = said.trim();
  if (!reason) return '（撤销决定未载明理由 / the revocation gave no reason）';
  return carriesPersonalNumbers(reason)
    ? '（撤销理由含个人号码，不予公开 / the reason carries a personal number and is not shown）'
    : reason;
}

/**
 * A nominee's name as the honour roll, its history and the proposal show it (see shownReason): the
 * contract only describes the name as never a number, and commendation's number rule is pinned per
 * nomination, so a name decided under an older reading can still carry one.
 */
export const shownName = (said: string): string =>
  carriesPersonalNumbers(said) ? '（姓名含个人号码，不予公开 / the name carries a personal number and is not shown）' : said;

/** A decision's document number as the honour roll shows it (see shownReason). */
export const shownDocumentNumber = (said: string): string =>
  carriesPersonalNumbers(said) ? '（文号含个人号码，不予公开 / the document number carries a personal number and is not shown）' : said;

const carriesPersonalNumbers = (text: string): boolean => personalNumbersPublishedIn(text).length > 0;

export async function commendationRevoked(tx: Tx, event: ContractEvent<typeof CommendationRevoked>, origin: Origin): Promise<void> {
  const d = event.data;
  mustHangTogether(event, CommendationRevoked.topic, origin, `nomination-${d.nominationId}`);
  const reason = shownReason(d.decision.reason);
  // Read, then update: TypeORM answers an UPDATE … RETURNING with [rows, count], not rows.
  const rows = await tx.query<{ name: string; org_name: string; category: string }>(
    `select name, org_name, category from commendations where nomination_id = $1 and revoked_on is null for update`,
    [d.nominationId],
  );
  if (rows.length > 0)
    await tx.query(`update commendations set revoked_on = $2, revoked_reason = $3, revoked_document = $4 where nomination_id = $1`, [
      d.nominationId,
      d.revokedOn,
      reason,
      shownDocumentNumber(d.documentNumber),
    ]);
  if (rows.length === 0) return;
  await tx.query(`update exemplars set status = 'withdrawn', version = version + 1 where nomination_id = $1`, [d.nominationId]);
  await tx.query(
    `insert into honour_roll_history (at, change, name, org_name, category, document_number, reason) values ($1, 'revoked', $2, $3, $4, $5, $6)`,
    [event.occurredAt, rows[0]!.name, rows[0]!.org_name, rows[0]!.category, shownDocumentNumber(d.documentNumber), reason],
  );
  await tx.honourRollChanged();
}

export async function pioneerNominated(tx: Tx, event: ContractEvent<typeof QuarterPioneerNominated>, origin: Origin): Promise<void> {
  const d = event.data;
  mustHangTogether(event, QuarterPioneerNominated.topic, origin, `pioneer-${d.orgId}-${d.cycleId}`);
  await tx.query(
    `insert into pioneer_nominations (stream_id, candidate_id, deeds) values ($1, $2, $3)
     on conflict (stream_id, candidate_id) do update set deeds = excluded.deeds`,
    [event.streamId, d.candidate.id, d.deeds],
  );
}

export async function pioneerSelected(tx: Tx, event: ContractEvent<typeof QuarterPioneerSelected>, origin: Origin): Promise<void> {
  const d = event.data;
  mustHangTogether(event, QuarterPioneerSelected.topic, origin, `pioneer-${d.orgId}-${d.cycleId}`);
  const [nomination] = await tx.query<{ deeds: string }>(
    `select deeds from pioneer_nominations where stream_id = $1 and candidate_id = $2`,
    [event.streamId, d.candidate.id],
  );
  await propose(tx, event.eventId, {
    kind: 'quarter_pioneer',
    stream: event.streamId,
    nominationId: null,
    subjectKind: d.candidate.kind,
    subjectId: d.candidate.id,
    // Evaluation publishes ids only: an organisation's name is joined from the org-tree copy when read
    // (ExemplarsService), a member is named by the editor before publishing (rule in domain/exemplar).
    name: null,
    orgId: d.candidate.kind === 'organization' ? d.candidate.id : d.orgId,
    orgName: null,
    category: 'quarter_pioneer',
    story: escapeHtml(nomination?.deeds ?? ''),
  });
}

interface Proposal {
  kind: 'commendation' | 'quarter_pioneer';
  stream: string;
  nominationId: string | null;
  subjectKind: 'member' | 'organization';
  subjectId: string;
  name: string | null;
  orgId: string;
  orgName: string | null;
  category: string;
  story: string;
}

async function propose(tx: Tx, sourceEventId: string, p: Proposal): Promise<void> {
  const id = randomUUID();
  const rows = await tx.query(
    `insert into exemplars (id, status, source_kind, source_stream, source_event_id, nomination_id, subject_kind, subject_id, name, org_id, org_name, category, story, proposed_at)
     values ($1, 'proposed', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now()) on conflict do nothing returning id`,
    [id, p.kind, p.stream, sourceEventId, p.nominationId, p.subjectKind, p.subjectId, p.name, p.orgId, p.orgName, p.category, p.story],
  );
  if (rows.length === 0) return;
  await tx.publish(
    ExemplarProposed,
    id,
    p.orgId,
    {
      exemplarId: id,
      source: { kind: p.kind, streamId: p.stream, eventId: sourceEventId },
      subjectKind: p.subjectKind,
      subjectId: p.subjectId,
      orgId: p.orgId,
    },
    SERVICE_ACTOR,
    sourceEventId,
  );
}
