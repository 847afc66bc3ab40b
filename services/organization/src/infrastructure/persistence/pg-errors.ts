import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';

/** The Postgres error behind a failed query, when there is one: through TypeORM, or from pg itself (the guarded enrolment's pool). */
export function pgError(e: unknown): { code?: string; constraint?: string } | undefined {
  if (e instanceof QueryFailedError) return e.driverError as { code?: string; constraint?: string };
  if (e instanceof DatabaseError) return e;
  return undefined;
}

export const isUniqueViolation = (e: unknown, constraint?: string): boolean => {
  const pg = pgError(e);
  return pg?.code === '23505' && (constraint === undefined || pg.constraint === constraint);
};
