import type { Pool } from 'pg';
import {
  calendarStream,
  type CalendarAdjustment,
  type CalendarDayKind,
  type CalendarSetter,
  type CalendarSnapshot,
  type WorkCalendarPort,
} from '../../application/calendar/work-calendar.port';

type DayRow = { day: string; kind: CalendarDayKind; name: string };

/** The calendar tables; a change, its history row and the year's new version commit together. */
export class SqlWorkCalendar implements WorkCalendarPort {
  constructor(private readonly pool: Pool) {}

  async snapshot(fromYear: number, toYear: number): Promise<CalendarSnapshot> {
    // One statement, one snapshot: the days and the versions agree.
    const { rows } = await this.pool.query<{ days: DayRow[] | null; versions: { year: number; version: number }[] | null }>(
      `select
         (select json_agg(json_build_object('day', to_char(day, 'YYYY-MM-DD'), 'kind', kind, 'name', name))
            from work_calendar_day where extract(year from day) between $1 and $2) as days,
         (select json_agg(json_build_object('year', year, 'version', version))
            from work_calendar_version where year between $1 and $2) as versions`,
      [fromYear, toYear],
    );
    const row = rows[0];
    const days = (row?.days ?? []).sort((a, b) => a.day.localeCompare(b.day));
    const adjustments = {
      holidays: days.filter((d) => d.kind === 'holiday').map((d) => d.day),
      makeUpWorkdays: days.filter((d) => d.kind === 'workday').map((d) => d.day),
    };
    const versions = new Map((row?.versions ?? []).map((v) => [v.year, v.version]));
    const inputs = [];
    for (let y = fromYear; y <= toYear; y++) inputs.push({ streamId: calendarStream(y), version: versions.get(y) ?? 0 });
    return { adjustments, days, inputs };
  }

  async year(year: number): Promise<{ version: number; days: CalendarAdjustment[] }> {
    const snap = await this.snapshot(year, year);
    return { version: snap.inputs[0]?.version ?? 0, days: [...snap.days] };
  }

  async set(day: string, adjustment: { kind: CalendarDayKind; name: string } | null, by: CalendarSetter, at: Date): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const year = Number(day.slice(0, 4));
      // The version row is the year's lock: concurrent changes to one year queue here.
      const { rows } = await client.query<{ version: number }>(
        `insert into work_calendar_version (year, version) values ($1, 1)
         on conflict (year) do update set version = work_calendar_version.version + 1 returning version`,
        [year],
      );
      const version = rows[0]!.version;
      if (adjustment)
        await client.query(
          `insert into work_calendar_day (day, kind, name, set_by, set_at) values ($1, $2, $3, $4, $5)
           on conflict (day) do update set kind = excluded.kind, name = excluded.name, set_by = excluded.set_by, set_at = excluded.set_at`,
          [day, adjustment.kind, adjustment.name, JSON.stringify(by), at],
        );
      else await client.query(`delete from work_calendar_day where day = $1`, [day]);
      await client.query(
        `insert into work_calendar_change (day, kind, name, year_version, set_by, set_at) values ($1, $2, $3, $4, $5, $6)`,
        [day, adjustment?.kind ?? null, adjustment?.name ?? null, version, JSON.stringify(by), at],
      );
      await client.query('commit');
      return version;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}
