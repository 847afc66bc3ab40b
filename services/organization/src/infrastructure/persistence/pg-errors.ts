import { QueryFailedError } from 'typeorm';

/** The Postgres error behind a failed query, when there is one. */
export function pgError(e: unknown): { code?: string; constraint?: string } | undefined {
  if (e instanceof QueryFailedError) return e.driverError as { code?: string; constraint?: string };
  return undefined;
}

export const isUniqueViolation = (e: unknown, constraint?: string): boolean => {
  const pg = pgError(e);
  return pg?.code === '23505' && (constraint === undefined || pg.constraint === constraint);
};
