import { publishedTextCarriesNoPersonalNumbers } from '../shared/published-reason.rule';
import { AggregateRoot } from '../shared/aggregate-root';
import { checkRule } from '../shared/business-rule';
import type { Day } from '../shared/day';
import { OrganizationMustBeActiveRule } from '../organization/rules/organization-must-be-active.rule';
import type { Organization } from '../organization/organization.aggregate';
import { ContactPointCannotBeEstablishedInTheFutureRule } from './rules/contact-point-cannot-be-established-in-the-future.rule';
import { VisitMustFallBetweenEstablishmentAndTodayRule } from './rules/visit-must-fall-between-establishment-and-today.rule';

export interface Visit {
  readonly id: string;
  readonly visitedOn: Day;
  /** Who was visited (a household, a member, the branch committee…). */
  readonly visited: string;
  /** What was solved. */
  readonly solved: string;
}

export interface ContactPointProps {
  readonly id: string;
  readonly orgId: string;
  readonly leaderId: string;
  readonly leaderName: string;
  readonly establishedOn: Day;
  visits: Visit[];
}

/** The longest summary VisitLogged carries, in UTF-16 units (what the contract counts). */
export const VISIT_SUMMARY_MAX = 2000;

/**
 * Who was visited and what was solved, cut to the contract's length on a whole code point: a
 * cut through an emoji's surrogate pair left half of it, which Postgres refuses in jsonb.
 */
function summaryOf(visit: Visit): string {
  const full = `${visit.visited}: ${visit.solved}`;
  if (full.length <= VISIT_SUMMARY_MAX) return full;
  let cut = '';
  for (const point of full) {
    if (cut.length + point.length > VISIT_SUMMARY_MAX) break;
    cut += point;
  }
  return cut;
}

/** 领导干部联系点: a leading cadre linked to an organisation, expected to visit at least once a month. */
export class ContactPoint extends AggregateRoot {
  private persistedVisits: number;

  private constructor(private readonly props: ContactPointProps) {
    super();
    this.persistedVisits = props.visits.length;
  }

  static establish(
    input: { id: string; org: Organization; leaderId: string; leaderName: string; establishedOn: Day },
    today: Day,
  ): ContactPoint {
    checkRule(new OrganizationMustBeActiveRule(input.org.status, '建立联系点 / become a contact point'));
    checkRule(new ContactPointCannotBeEstablishedInTheFutureRule(input.establishedOn, today));
    checkRule(
      publishedTextCarriesNoPersonalNumbers('CONTACT_POINT.TEXT_HAS_PERSONAL_NUMBER', input.leaderName, '联系领导姓名 / the leader’s name'),
    );
    const cp = new ContactPoint({
      id: input.id,
      orgId: input.org.id,
      leaderId: input.leaderId,
      leaderName: input.leaderName.trim(),
      establishedOn: input.establishedOn,
      visits: [],
    });
    cp.record({
      name: 'ContactPointEstablished',
      stream: 'contact-point',
      aggregateId: cp.id,
      orgId: cp.orgId,
      data: { contactPointId: cp.id, orgId: cp.orgId, leaderId: cp.leaderId, leaderName: cp.leaderName, establishedOn: cp.establishedOn },
    });
    return cp;
  }

  static restore(props: ContactPointProps): ContactPoint {
    return new ContactPoint({ ...props, visits: [...props.visits] });
  }

  /** Only while the organisation is active: a dissolved or merged one has no one left to visit there. */
  logVisit(visit: Visit, today: Day, org: Pick<Organization, 'status'>): void {
    checkRule(new OrganizationMustBeActiveRule(org.status, '记录联系点走访 / have visits logged at its contact point'));
    checkRule(new VisitMustFallBetweenEstablishmentAndTodayRule(this.props.establishedOn, visit.visitedOn, today));
    // Both go out in the event's summary.
    checkRule(
      publishedTextCarriesNoPersonalNumbers(
        'CONTACT_POINT.TEXT_HAS_PERSONAL_NUMBER',
        `${visit.visited}\n${visit.solved}`,
        '走访记录 / the visit note',
      ),
    );
    this.props.visits.push(visit);
    this.record({
      name: 'VisitLogged',
      stream: 'contact-point',
      aggregateId: this.id,
      orgId: this.orgId,
      data: {
        visitId: visit.id,
        contactPointId: this.id,
        orgId: this.orgId,
        leaderId: this.leaderId,
        visitedOn: visit.visitedOn,
        summary: summaryOf(visit),
      },
    });
  }

  unsavedVisits(): readonly Visit[] {
    return this.props.visits.slice(this.persistedVisits);
  }

  markVisitsSaved(): void {
    this.persistedVisits = this.props.visits.length;
  }

  get id(): string {
    return this.props.id;
  }
  get orgId(): string {
    return this.props.orgId;
  }
  get leaderId(): string {
    return this.props.leaderId;
  }
  get leaderName(): string {
    return this.props.leaderName;
  }
  get establishedOn(): Day {
    return this.props.establishedOn;
  }
  get visits(): readonly Visit[] {
    return this.props.visits;
  }
}
