import type { Pool } from 'pg';
import { WORK_CALENDAR } from '../application/calendar/work-calendar.port';
import { PG_POOL } from '../infrastructure/database.module';
import { SqlWorkCalendar } from '../infrastructure/calendar/sql-work-calendar';
import { CalendarHttpController } from '../interface/http/calendar/calendar.http.controller';
import type { CommendationFeatureFactory } from './feature';

/** The operator's working-day calendar that public-notice periods count on. */
export const calendarFeature: CommendationFeatureFactory = () => ({
  controllers: [CalendarHttpController],
  providers: [{ provide: WORK_CALENDAR, inject: [PG_POOL], useFactory: (pool: Pool) => new SqlWorkCalendar(pool) }],
});
