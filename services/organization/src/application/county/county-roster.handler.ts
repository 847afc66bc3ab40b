import type { ContractEvent, CountyRosterMemberRemoved, CountyRosterMemberSynced } from '@vanguard/contracts';
import { applied, refused, type CountyMessage, type CountyOutcome, type CountyScope } from '@vanguard/county-inbound';
import { Member, type MemberProps, type MembershipHistoryEntry } from '../../domain/member/member.aggregate';
import { MemberNotFoundError } from '../../domain/member/member.errors';
import { PersonalData } from '../../domain/member/personal-data.value-object';
import { OrganizationNotFoundError } from '../../domain/organization/organization.errors';
import { OrganizationMustBeActiveRule } from '../../domain/organization/rules/organization-must-be-active.rule';
import type { DomainEvent } from '../../domain/shared/aggregate-root';
import { checkRule } from '../../domain/shared/business-rule';
import type { Day } from '../../domain/shared/day';
import { DomainError } from '../../domain/shared/domain-error';
import { MemberTransfer } from '../../domain/transfer/member-transfer.aggregate';
import { MemberMovedMeanwhileError } from '../commands/load';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { EventContext } from '../ports/outbox.port';
import {
  linkKey,
  type CountyRosterChanges,
  type CountyRosterSnapshot,
  type CountyRosterStore,
  type NewCountyMemberLink,
  type RosterMemberState,
} from './county-roster.port';
import { speaksFor, takeOver, takenOver } from './county-takeover';

type Synced = CountyMessage<ContractEvent<typeof CountyRosterMemberSynced>>;
type Removed = CountyMessage<ContractEvent<typeof CountyRosterMemberRemoved>>;

/** One batch's work: members as they stand after each applied message, and what to write. */
class Batch {
  readonly current = new Map<string, { state: RosterMemberState; isNew: boolean }>();
  readonly history: CountyRosterChanges['history'][number][] = [];
  readonly transfers: MemberTransfer[] = [];
  readonly endedTransfers: CountyRosterChanges['endedTransfers'][number][] = [];
  readonly links: NewCountyMemberLink[] = [];
  readonly endedLinks: CountyRosterChanges['endedLinks'][number][] = [];
  readonly events: { event: DomainEvent; context: EventContext }[] = [];
  /** Members whose row changes: with events, or a record that changed what has no event (a name, a dropped role). */
  private readonly touched = new Set<string>();

  constructor(readonly snapshot: CountyRosterSnapshot) {
    for (const [key, state] of snapshot.linked) this.current.set(key, { state, isNew: false });
  }

  /** Keeps what one applied message did: the member's new state, its history lines and events. */
  keep(key: string, member: Member, isNew: boolean, context: EventContext, extra: DomainEvent[] = []): void {
    const before = this.current.get(key)?.state;
    const after = stateOf(member);
    if (!before || rosterColumns(before) !== rosterColumns(after)) this.touched.add(member.id);
    this.current.set(key, { state: after, isNew });
    for (const h of member.unsavedHistory())
      this.history.push({ memberId: member.id, on: h.on, kind: h.kind, orgId: h.orgId, detail: h.detail });
    for (const event of [...member.pullEvents(), ...extra]) this.events.push({ event, context });
  }

  changes(): CountyRosterChanges {
    const touched = new Set([...this.touched, ...this.events.map((e) => e.event.aggregateId)]);
    const all = [...this.current.values()].filter((c) => touched.has(c.state.id) || c.isNew);
    return {
      joined: all.filter((c) => c.isNew).map((c) => c.state),
      changed: all.filter((c) => !c.isNew).map((c) => c.state),
      history: this.history,
      transfers: this.transfers,
      endedTransfers: this.endedTransfers,
      links: this.links,
      endedLinks: this.endedLinks,
      events: this.events,
    };
  }
}

/**
 * 花名册同步 from county systems (issue 17): the gate hands over batches of one message type
 * that passed its checks; the member aggregate and the transfer decide exactly as for the
 * platform's own commands, and the whole batch is read and written in a few multi-row
 * statements. A refusal is an outcome with the rule's code; the batch goes on.
 */
export class CountyRosterHandler<TTx> {
  constructor(
    private readonly store: CountyRosterStore<TTx>,
    private readonly scope: CountyScope,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /** RosterMemberSynced: the first for a county id registers and links a member; later ones restate it. */
  readonly synced = async (messages: readonly Synced[], tx: TTx): Promise<CountyOutcome[]> => {
    const batch = new Batch(await this.load(messages, tx, (m) => [m.event.data.orgId], false));
    const today = this.clock.today();
    const outcomes: CountyOutcome[] = [];
    for (const m of messages) outcomes.push(await this.decide(() => this.sync(batch, m, today)));
    await this.store.save(tx, batch.changes());
    return outcomes;
  };

  /** RosterMemberRemoved: the linked member leaves (MemberLeft), as `POST /members/:id/leave` does. */
  readonly removed = async (messages: readonly Removed[], tx: TTx): Promise<CountyOutcome[]> => {
    const batch = new Batch(await this.load(messages, tx, () => [], true));
    const today = this.clock.today();
    const outcomes: CountyOutcome[] = [];
    for (const m of messages) outcomes.push(await this.decide(() => this.remove(batch, m, today)));
    await this.store.save(tx, batch.changes());
    return outcomes;
  };

  /**
   * The batch's snapshot, locked in the platform's one order (ADR 0129): as a merge takes them, so
   * neither waits for the other in a cycle. A member who moved while the batch waited for the
   * organisations it had read him in is in none it holds: the batch lost a race, and the gate runs
   * it again in a new transaction (CountyBatchLostRace), as `againIfTheMemberMoved` runs a command.
   */
  private async load(
    messages: readonly (Synced | Removed)[],
    tx: TTx,
    orgsOf: (m: Synced) => string[],
    removal: boolean,
  ): Promise<CountyRosterSnapshot> {
    const keys = messages.map((m) => ({ countyClientId: m.sender.clientId, countyMemberId: m.event.data.memberId }));
    const orgIds = new Set(messages.flatMap((m) => orgsOf(m as Synced)));
    const snapshot = await this.store.load(tx, keys, [...orgIds], removal);
    const members = [...snapshot.linked.values(), ...[...snapshot.claimable.values()].map((c) => c.state)];
    const moved = members.find((m) => !snapshot.organizations.has(m.orgId));
    if (moved) throw new CountyBatchLostRace(new MemberMovedMeanwhileError(moved.id));
    return snapshot;
  }

  private async decide(apply: () => Promise<CountyOutcome>): Promise<CountyOutcome> {
    try {
      return await apply();
    } catch (e) {
      if (e instanceof DomainError) return refused(e.code, e.message);
      throw e;
    }
  }

  private async sync(batch: Batch, m: Synced, today: Day): Promise<CountyOutcome> {
    const d = m.event.data;
    const key = linkKey({ countyClientId: m.sender.clientId, countyMemberId: d.memberId });
    const org = batch.snapshot.organizations.get(d.orgId);
    if (!org) throw new OrganizationNotFoundError(d.orgId);
    const context = contextOf(m);
    const by = batch.snapshot.takenOver.get(key);
    if (by) return takenOver(by);
    const claim = batch.current.has(key) ? undefined : batch.snapshot.claimable.get(d.memberId);
    if (claim) {
      // A member received by transfer, named by his platform id: this county takes him over, then restates him.
      const taken = await takeOver(this.scope, m.sender, claim);
      if ('outcome' in taken) return taken;
      batch.current.set(key, { state: claim.state, isNew: false });
      const linked: DomainEvent = {
        name: 'CountyMemberLinked',
        stream: 'member',
        aggregateId: claim.state.id,
        orgId: claim.state.orgId,
        data: { ...taken.link },
      };
      // The link is kept only if the record applies: a refused take-over leaves no trace.
      const outcome = await this.restate(batch, m, key, today, [linked]).catch((e: unknown) => {
        batch.current.delete(key);
        throw e;
      });
      if (outcome.outcome !== 'applied') batch.current.delete(key);
      else {
        if (taken.ends) batch.endedLinks.push(taken.ends);
        batch.links.push(taken.link);
      }
      return outcome;
    }
    const linked = batch.current.get(key);
    if (!linked) {
      checkRule(new OrganizationMustBeActiveRule(org.status, '接收党员 / receive members'));
      const member = Member.join(
        { id: this.ids.newId(), orgId: d.orgId, name: d.name, status: d.status, joinedOn: d.joinedOn, roles: d.roles, posts: d.posts },
        today,
      );
      const link = { countyClientId: m.sender.clientId, countyMemberId: d.memberId, memberId: member.id, orgId: d.orgId };
      batch.links.push(link);
      batch.keep(key, member, true, context, [
        { name: 'CountyMemberLinked', stream: 'member', aggregateId: member.id, orgId: d.orgId, data: { ...link } },
      ]);
      return applied({ memberId: member.id });
    }
    return this.restate(batch, m, key, today);
  }

  /** A linked member takes the record; `extra` events follow the member's own (a take-over's link). */
  private async restate(batch: Batch, m: Synced, key: string, today: Day, extra: DomainEvent[] = []): Promise<CountyOutcome> {
    const d = m.event.data;
    const org = batch.snapshot.organizations.get(d.orgId)!;
    const linked = batch.current.get(key)!;
    // A member the platform moved out of this county since (a transfer) is no longer this county's to restate.
    const refusal = await speaksFor(this.scope, m.sender, linked.state);
    if (refusal) return refusal;
    const member = restore(linked.state);
    const heldIn = member.orgId;
    // Moved first, so what the record adds (roles, posts) is recorded in the new organisation, and what it drops in the old.
    const transfer =
      d.orgId === member.orgId
        ? null
        : MemberTransfer.recordedByRoster({
            id: this.ids.newId(),
            member,
            to: org,
            on: today,
            openTransfersOfMember: batch.snapshot.openTransfers.get(member.id) ?? 0,
          });
    member.restate(d, today, heldIn);
    if (transfer) batch.transfers.push(transfer);
    batch.keep(key, member, linked.isNew, contextOf(m), extra);
    return applied({ memberId: member.id });
  }

  private async remove(batch: Batch, m: Removed, today: Day): Promise<CountyOutcome> {
    const d = m.event.data;
    const key = linkKey({ countyClientId: m.sender.clientId, countyMemberId: d.memberId });
    const by = batch.snapshot.takenOver.get(key);
    if (by) return takenOver(by);
    const linked = batch.current.get(key);
    if (!linked) throw new MemberNotFoundError(d.memberId);
    const refusal = await speaksFor(this.scope, m.sender, linked.state);
    if (refusal) return refusal;
    // With his latest history line that bounds a leaving: a leaving day may not precede it (ADR 0140, 0150).
    const member = restore(linked.state, batch.snapshot.latestHistory.get(linked.state.id));
    member.leave(d.removedOn, today, d.reason);
    // As POST /members/:id/leave: whoever leaves takes no open transfer along (ADR 0120), and
    // MemberTransferCancelled says so (ADR 0129). Always asked: the snapshot's count was read before
    // the member's lock was granted, so a transfer requested meanwhile was not in it; the update
    // reads afresh and ends what is open, or nothing (and then publishes nothing).
    const context = contextOf(m);
    batch.endedTransfers.push({ memberId: member.id, on: d.removedOn, ending: 'memberLeft', context });
    batch.keep(key, member, linked.isNew, context);
    return applied({ memberId: member.id });
  }
}

/**
 * A member of the batch moved meanwhile (MemberMovedMeanwhileError): nothing of the batch is kept.
 * To the gate it is no verdict on the messages, as a serialization failure is (ADR 0097), so it
 * carries that code: the gate runs the batch again whole, in a new transaction, counting no attempt.
 */
export class CountyBatchLostRace extends Error {
  readonly code = '40001';
  constructor(cause: MemberMovedMeanwhileError) {
    super(`county roster: ${cause.message}; the batch runs again`, { cause });
    this.name = 'CountyBatchLostRace';
  }
}

/** The county's service account is the actor; its message caused the events and carries the correlation. */
function contextOf(m: CountyMessage): EventContext {
  return {
    actor: { sub: m.sender.sub, username: m.sender.clientId, roles: ['county_system'], orgId: m.sender.countyOrgId, kind: 'service' },
    correlationId: m.event.correlationId,
    causationId: m.messageId,
  };
}

/**
 * A member the batch works on: restored without opening personal numbers (the batch never writes
 * them), and with the one history line a removal reads (`latest`, the bounding line with the latest day);
 * a restatement reads none. The lines he had are stored already: only new ones are written.
 */
function restore(s: RosterMemberState, latest?: MembershipHistoryEntry): Member {
  const props: MemberProps = {
    ...s,
    roles: [...s.roles],
    posts: [...s.posts],
    personal: PersonalData.none(),
    history: latest ? [latest] : [],
  };
  return Member.restore(props);
}

/** What the sync writes of a member, to tell whether a record changed it. */
const rosterColumns = (s: RosterMemberState): string =>
  JSON.stringify([s.orgId, s.name, s.status, s.joinedOn, s.roles, s.posts, s.membership]);

function stateOf(m: Member): RosterMemberState {
  return {
    id: m.id,
    orgId: m.orgId,
    name: m.name,
    status: m.status,
    joinedOn: m.joinedOn,
    roles: [...m.roles],
    posts: [...m.posts],
    membership: m.membership,
    version: m.version,
  };
}
