import type { Pool } from 'pg';
import { demoOrgId } from '@vanguard/infra-config';
import type { CommandContext } from '../../application/commands/command-context';
import type { ClockPort } from '../../application/ports/clock.port';
import type { PostgresStreamsAdapter } from '../event-store/postgres-streams.adapter';
import type { SqlOrgTreeAdapter } from '../org-tree/sql-org-tree.adapter';

export const COUNTY = demoOrgId('910425');
export const TOWNSHIP = demoOrgId('910425101');
export const VILLAGE = demoOrgId('910425101201');

/**
 * Demo ids in their own range, so a second run finds what it made and adds nothing. Each
 * slice's seed takes its own block: the campaign 1…9,999; comments from 10,000,000; mass
 * evaluation from 20,000,000; reviews 30,000,000; assessments 40,000,000; benchmarks and
 * pioneers 50,000,000; inspections 60,000,000; training 70,000,000; zones, reviews and window units 80,000,000.
 */
export const demoId = (n: number) => `00000000-0000-4000-8000-e${String(n).padStart(11, '0')}`;

/** A counter of demo ids from `first`. */
export const demoIds = (first: number) => {
  let next = first;
  return { next: () => demoId(next++) };
};

/** A clock stopped at noon, China time, on `day`. */
export const on = (day: string): ClockPort => ({ now: () => new Date(`${day}T04:00:00Z`), today: () => day });

/** A seed actor with one role, acting for `orgId`. */
export const as = (orgId: string, role: string): CommandContext => ({
  caller: { sub: `seed:${role}`, roles: [role], orgId, kind: 'service' },
  correlationId: demoId(9000),
});

/** What one slice's demo seed did, for the seed script's log. */
export interface DemoSeedReport {
  readonly slice: string;
  readonly created: boolean;
  readonly events: number;
}

/** What a slice's demo seed works with: the same adapters the live handlers get. */
export interface DemoSeedContext {
  readonly pool: Pool;
  readonly streams: PostgresStreamsAdapter;
  readonly tree: SqlOrgTreeAdapter;
  readonly campaignId: string;
}

export type DemoSeed = (ctx: DemoSeedContext) => Promise<DemoSeedReport>;
