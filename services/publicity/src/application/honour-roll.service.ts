import { Injectable } from '@nestjs/common';
import { toStorableText } from '@vanguard/contracts';
import { DataSource } from 'typeorm';
import { shownName } from './exemplar-proposals';

/** One line of the public honour roll: a name, an organisation, a category and what made it — nothing personal beyond. */
export interface HonourRollEntry {
  readonly kind: 'commendation' | 'exemplar';
  readonly name: string;
  readonly orgName: string | null;
  readonly category: string;
  readonly documentNumber: string | null;
  readonly on: string;
  readonly story: string | null;
}

export interface HonourRollChange {
  readonly at: string;
  readonly change: 'commended' | 'published' | 'revoked' | 'withdrawn';
  readonly name: string;
  readonly orgName: string | null;
  readonly category: string;
  readonly documentNumber: string | null;
  readonly reason: string | null;
}

/**
 * The roll is public: a direction control stored before it was refused in stories' character
 * references (ADR 0124) is shown as U+FFFD, so it reorders nothing a visitor reads.
 */
const withoutDirectionControls = <T extends object>(row: T): T =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? toStorableText(v) : v])) as T;

/**
 * 光荣榜: decided, unrevoked commendations (with the published exemplar's story where there is
 * one) and exemplars published from quarter pioneers. Reads go straight to the pool, outside any
 * transaction of ours; `version()` is the ETag, moved by every change in the changing transaction.
 */
@Injectable()
export class HonourRollService {
  constructor(private readonly dataSource: DataSource) {}

  async version(): Promise<string> {
    const [row] = await this.dataSource.query<{ version: string }[]>(`select version::text from honour_roll_state where id = 1`);
    return row!.version;
  }

  async page(limit: number, offset: number): Promise<{ items: HonourRollEntry[]; total: number }> {
    const rows = await this.dataSource.query<(HonourRollEntry & { total: string })[]>(
      `with roll as (
         select 'commendation' as kind, c.name, c.org_name as "orgName", c.category, c.document_number as "documentNumber",
                c.decided_on as day, e.story, c.nomination_id as id
           from commendations c
           left join exemplars e on e.nomination_id = c.nomination_id and e.status = 'published'
          where c.revoked_on is null
         union all
         select 'exemplar', e.name, e.org_name, e.category, null, e.published_on, e.story, e.id
           from exemplars e where e.status = 'published' and e.nomination_id is null)
       select kind, name, "orgName", category, "documentNumber", to_char(day, 'YYYY-MM-DD') as on, story, count(*) over () as total
         from roll order by day desc, id limit $1 offset $2`,
      [limit, offset],
    );
    return {
      items: rows.map(({ total: _t, ...r }) => withoutDirectionControls(withNameShown(r))),
      total: rows.length > 0 ? Number(rows[0]!.total) : await this.count(),
    };
  }

  async history(limit: number, offset: number): Promise<{ items: HonourRollChange[]; total: number }> {
    const rows = await this.dataSource.query<(HonourRollChange & { total: string })[]>(
      `select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, change, name, org_name as "orgName", category,
              document_number as "documentNumber", reason, count(*) over () as total
         from honour_roll_history order by id desc limit $1 offset $2`,
      [limit, offset],
    );
    const total =
      rows.length > 0
        ? rows[0]!.total
        : (await this.dataSource.query<{ n: string }[]>(`select count(*) as n from honour_roll_history`))[0]!.n;
    return { items: rows.map(({ total: _t, ...r }) => withoutDirectionControls(withNameShown(r))), total: Number(total) };
  }

  private async count(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: string }[]>(
      `select (select count(*) from commendations where revoked_on is null)
            + (select count(*) from exemplars where status = 'published' and nomination_id is null) as n`,
    );
    return Number(row!.n);
  }
}

/**
 * The name as the roll shows it, judged again when read: a row stored before names were judged
 * (`shownName`) or under an older reading keeps what it was given, and the roll is public.
 */
const withNameShown = <R extends { name: string | null }>(r: R): R => (r.name ? { ...r, name: shownName(r.name) } : r);
