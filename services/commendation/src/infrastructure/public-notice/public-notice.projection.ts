import type { RecordedEvent } from '@vanguard/event-store';
import type {
  AwardProgrammeLaunched,
  ContractData,
  NominationWithdrawn,
  ObjectionAssigned,
  ObjectionDismissed,
  ObjectionFiled,
  ObjectionUpheld,
  PublicNoticePublished,
} from '@vanguard/contracts';
import type { CommendationProjection, Queryable } from '../projection/projections';

type Launched = ContractData<typeof AwardProgrammeLaunched>;
type Published = ContractData<typeof PublicNoticePublished>;
type Withdrawn = ContractData<typeof NominationWithdrawn>;
type Filed = ContractData<typeof ObjectionFiled>;
type Assigned = ContractData<typeof ObjectionAssigned>;
type Outcome = ContractData<typeof ObjectionUpheld> | ContractData<typeof ObjectionDismissed>;

/**
 * The public side: each programme's current notice round with its entries (only what a notice
 * shows), and each objection's status by tracking code. Rows of a stream move only on that
 * stream's next version, so a redelivered event, or one replayed at a rebuild's swap, changes nothing.
 */
export class PublicNoticeProjection implements CommendationProjection {
  private readonly notices: string;
  private readonly entries: string;
  private readonly objections: string;

  constructor(
    private readonly db: Queryable,
    table: (name: string) => string = (name) => name,
  ) {
    this.notices = `"${table('public_notice_view')}"`;
    this.entries = `"${table('public_notice_entry')}"`;
    this.objections = `"${table('objection_view')}"`;
  }

  async apply(e: RecordedEvent): Promise<void> {
    switch (e.type) {
      case 'commendation.AwardProgrammeLaunched':
        return this.launched(e as RecordedEvent<Launched>);
      case 'commendation.PublicNoticePublished':
        return this.published(e as RecordedEvent<Published>);
      case 'commendation.NominationWithdrawn': {
        const d = (e as RecordedEvent<Withdrawn>).data;
        // Off the notice from then on; setting a flag twice is the same as once.
        await this.db.query(`update ${this.entries} set withdrawn = true where programme_id = $1 and nomination_id = $2`, [
          d.programmeId,
          d.nominationId,
        ]);
        return;
      }
      case 'commendation.ObjectionFiled':
        return this.filed(e as RecordedEvent<Filed>);
      case 'commendation.ObjectionAssigned': {
        const d = (e as RecordedEvent<Assigned>).data;
        await this.move(e, `status = 'assigned', investigator = $4`, [JSON.stringify(d.investigator)], d.objectionId);
        return;
      }
      case 'commendation.ObjectionUpheld':
      case 'commendation.ObjectionDismissed': {
        const d = (e as RecordedEvent<Outcome>).data;
        const status = e.type === 'commendation.ObjectionUpheld' ? 'upheld' : 'dismissed';
        await this.move(e, `status = $4, findings = $5, decided_at = $3`, [status, d.findings], d.objectionId);
        return;
      }
      default:
        return;
    }
  }

  private async launched(e: RecordedEvent<Launched>): Promise<void> {
    const d = e.data;
    await this.db.query(
      `insert into ${this.notices} (programme_id, programme_name, awarding_org_id, level, version, updated_at)
       values ($1, $2, $3, $4, 0, $5) on conflict (programme_id) do nothing`,
      [d.programmeId, d.name, d.orgId, d.level, e.recordedAt],
    );
  }

  private async published(e: RecordedEvent<Published>): Promise<void> {
    const d = e.data;
    // The round's entries go in only if the notice row moved to this version in the same statement.
    await this.db.query(
      `with moved as (
         update ${this.notices}
            set round = $2, starts_on = $3, ends_on = $4, days = $5, day_kind = $6, version = $7, updated_at = $8
          where programme_id = $1 and version = $7 - 1 returning programme_id)
       insert into ${this.entries} (programme_id, round, nomination_id, category, name, org_name, deeds_summary)
       select $1, $2, x."nominationId", x.category, x.name, x."orgName", x."deedsSummary"
         from moved, jsonb_to_recordset($9::jsonb) as x("nominationId" uuid, category text, name text, "orgName" text, "deedsSummary" text)
       on conflict do nothing`,
      [d.programmeId, d.round, d.startsOn, d.endsOn, d.days, d.dayKind, e.streamVersion, e.recordedAt, JSON.stringify(d.entries)],
    );
  }

  private async filed(e: RecordedEvent<Filed>): Promise<void> {
    const d = e.data;
    await this.db.query(
      `insert into ${this.objections}
         (objection_id, tracking_code, programme_id, nomination_id, awarding_org_id, round, status, filed_on, grounds, version, updated_at)
       values ($1, $2, $3, $4, $5, $6, 'filed', $7, $8, $9, $10) on conflict (objection_id) do nothing`,
      [
        d.objectionId,
        d.trackingCode,
        d.programmeId,
        d.nominationId,
        d.awardingOrgId,
        d.notice.round,
        d.filedOn,
        d.grounds,
        e.streamVersion,
        e.recordedAt,
      ],
    );
  }

  private async move(e: RecordedEvent, set: string, params: unknown[], objectionId: string): Promise<void> {
    await this.db.query(
      `update ${this.objections} set ${set}, version = $2, updated_at = $3 where objection_id = $1 and version = $2 - 1`,
      [objectionId, e.streamVersion, e.recordedAt, ...params],
    );
  }
}
