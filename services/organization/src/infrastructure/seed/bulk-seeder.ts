import type { Pool } from 'pg';
import { OrganizationRegistered, publicContracts, type EventEnvelope } from '@vanguard/contracts';
import { writeOutboxBatch } from '../outbox/bulk-outbox';
import { organizationEnvelope } from '../outbox/organization-envelope';
import { uuidv7 } from '../system/uuid-v7';
import type { PersonalDataCipher } from '../../application/ports/personal-data-cipher.port';
import type { SeedOrganization } from './demo-region';
import { stableUuid as stableUuidFor, type SeedMember } from './synthetic-region';

export type ProgressFn = (done: number, total: number) => void;

const SEED_ACTOR = { sub: 'seed', roles: ['admin'], kind: 'service' as const };

/**
 * Writes a synthetic region straight into the organization schema with multi-row
 * INSERT … SELECT FROM unnest(…) batches (no per-row round trips), idempotently
 * (`on conflict do nothing`). Organisations get their OrganizationRegistered event in the
 * outbox (so every service's tree copy learns them); members are bulk rows WITHOUT
 * per-member MemberJoined events (README says so).
 */
export class BulkSeeder {
  constructor(
    private readonly pool: Pool,
    private readonly cipher: PersonalDataCipher,
  ) {}

  /** Parents must come before children (in this list or already in the table). */
  async organizations(orgs: readonly SeedOrganization[], progress?: ProgressFn, batchSize = 2_000): Promise<number> {
    const pathByCode = new Map<string, string>();
    const parentCodes = [...new Set(orgs.map((o) => o.parentCode).filter((c): c is string => c !== null))];
    const { rows } = await this.pool.query<{ code: string; path: string }>(
      `select code, path from organizations where code = any($1::text[])`,
      [parentCodes],
    );
    for (const r of rows) pathByCode.set(r.code, r.path);
    let inserted = 0;
    for (let i = 0; i < orgs.length; i += batchSize) {
      const batch = orgs.slice(i, i + batchSize).map((o) => {
        const parentPath = o.parentCode === null ? '/' : pathByCode.get(o.parentCode);
        if (parentPath === undefined) throw new Error(`seed: parent ${o.parentCode} of ${o.code} is neither seeded nor stored`);
        const existing = pathByCode.get(o.code);
        const path = existing ?? `${parentPath}${o.id}/`;
        pathByCode.set(o.code, path);
        return {
          ...o,
          path,
          depth: path.split('/').filter(Boolean).length - 1,
          parentId: o.parentCode === null ? null : idFromPath(parentPath),
        };
      });
      const client = await this.pool.connect();
      try {
        await client.query('begin');
        const res = await client.query<{ id: string }>(
          `insert into organizations (id, code, name, level, kind, sector, parent_id, path, depth, established_on, temporary, status, version)
           select u.id, u.code, u.name, u.level, u.kind, u.sector, u.parent_id, u.path, u.depth, u.established_on, u.temporary, 'active', 1
             from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[], $9::int[], $10::date[], $11::boolean[])
                  as u(id, code, name, level, kind, sector, parent_id, path, depth, established_on, temporary)
           on conflict do nothing returning id`,
          [
            batch.map((o) => o.id),
            batch.map((o) => o.code),
            batch.map((o) => o.name),
            batch.map((o) => o.level),
            batch.map((o) => o.kind),
            batch.map((o) => o.sector),
            batch.map((o) => o.parentId),
            batch.map((o) => o.path),
            batch.map((o) => o.depth),
            batch.map((o) => o.establishedOn),
            batch.map((o) => o.temporary ?? false),
          ],
        );
        const ids = new Set(res.rows.map((r) => r.id));
        const events = batch.filter((o) => ids.has(o.id)).map((o) => registeredEvent(o));
        await writeOutboxBatch(client, events);
        await client.query('commit');
        inserted += ids.size;
      } catch (e) {
        await client.query('rollback');
        throw e;
      } finally {
        client.release();
      }
      progress?.(Math.min(i + batchSize, orgs.length), orgs.length);
    }
    return inserted;
  }

  /** Streams members in batches, `parallel` batches in flight; returns how many were new. */
  async members(source: Iterable<SeedMember>, total: number, progress?: ProgressFn, batchSize = 5_000, parallel = 4): Promise<number> {
    let inserted = 0;
    let done = 0;
    const inFlight = new Set<Promise<void>>();
    let batch: SeedMember[] = [];
    const flush = async (b: SeedMember[]) => {
      const n = await this.insertMembers(b);
      inserted += n;
      done += b.length;
      progress?.(done, total);
    };
    for (const m of source) {
      batch.push(m);
      if (batch.length >= batchSize) {
        const p: Promise<void> = flush(batch).finally(() => inFlight.delete(p));
        inFlight.add(p);
        batch = [];
        if (inFlight.size >= parallel) await Promise.race(inFlight);
      }
    }
    if (batch.length) await flush(batch);
    await Promise.all(inFlight);
    return inserted;
  }

  private async insertMembers(batch: readonly SeedMember[]): Promise<number> {
    const res = await this.pool.query(
      `with ins as (
         insert into members (id, org_id, name, status, joined_on, roles, posts, id_number_enc, phone_enc, id_number_hash, membership, version)
         select u.id, u.org_id, u.name, u.status, u.joined_on, string_to_array(u.roles, ','), string_to_array(u.posts, ','), u.idn, u.ph, u.h, 'active', 1
           from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
                as u(id, org_id, name, status, joined_on, roles, posts, idn, ph, h)
         on conflict do nothing
         returning id, org_id, joined_on, status)
       insert into member_history (member_id, on_day, kind, org_id, detail) select id, joined_on, 'joined', org_id, status from ins`,
      [
        batch.map((m) => m.id),
        batch.map((m) => m.orgId),
        batch.map((m) => m.name),
        batch.map((m) => m.status),
        batch.map((m) => m.joinedOn),
        batch.map((m) => m.roles.join(',')),
        batch.map((m) => m.posts.join(',')),
        batch.map((m) => this.cipher.encrypt(m.idNumber)),
        batch.map((m) => (m.phone ? this.cipher.encrypt(m.phone) : null)),
        batch.map((m) => this.cipher.blindIndex(m.idNumber)),
      ],
    );
    return res.rowCount ?? 0;
  }

  /** One contact point per organisation given (领导干部联系点), with a visit in each of the last two months and now and then a third. */
  async contactPoints(orgs: readonly SeedOrganization[], today: Date, rnd: () => number): Promise<number> {
    const ids: string[] = [];
    const orgIds: string[] = [];
    const leaders: string[] = [];
    const names: string[] = [];
    const vIds: string[] = [];
    const vCp: string[] = [];
    const vOn: string[] = [];
    const vWho: string[] = [];
    const vSolved: string[] = [];
    const WHO = ['困难党员家庭', '老党员', '种养大户', '村两委班子', '留守老人', '返乡创业青年'];
    const SOLVED = ['协调解决饮水井维修', '落实危房改造资金', '帮助联系农产品销路', '调解邻里纠纷', '解决村道硬化用料', '落实低保政策'];
    for (const o of orgs) {
      const id = stableUuidFor(`contact-point:${o.code}`);
      ids.push(id);
      orgIds.push(o.id);
      leaders.push(stableUuidFor(`leader:${o.code}`));
      names.push(`联系领导${o.code.slice(-3)}`);
      // Seed 002: 联系点干部每月深入基层党组织均达到1次以上: one visit in each of the last two
      // months (30-day windows back from today), and now and then a third.
      const visits = 2 + (rnd() < 0.5 ? 1 : 0);
      for (let v = 0; v < visits; v++) {
        const daysAgo = v < 2 ? v * 30 + Math.floor(rnd() * 30) : Math.floor(rnd() * 60);
        vIds.push(stableUuidFor(`visit:${o.code}:${v}`));
        vCp.push(id);
        vOn.push(new Date(today.getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10));
        vWho.push(WHO[Math.floor(rnd() * WHO.length)]!);
        vSolved.push(SOLVED[Math.floor(rnd() * SOLVED.length)]!);
      }
    }
    const established = new Date(today.getTime() - 365 * 86_400_000).toISOString().slice(0, 10);
    const res = await this.pool.query(
      `insert into contact_points (id, org_id, leader_id, leader_name, established_on)
       select u.id, u.org_id, u.leader_id, u.leader_name, $5::date from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) as u(id, org_id, leader_id, leader_name)
       on conflict do nothing`,
      [ids, orgIds, leaders, names, established],
    );
    await this.pool.query(
      `insert into contact_point_visits (id, contact_point_id, visited_on, visited, solved)
       select * from unnest($1::uuid[], $2::uuid[], $3::date[], $4::text[], $5::text[]) on conflict do nothing`,
      [vIds, vCp, vOn, vWho, vSolved],
    );
    return res.rowCount ?? 0;
  }
}

const idFromPath = (path: string): string => path.split('/').filter(Boolean).at(-1)!;

function registeredEvent(o: SeedOrganization & { parentId: string | null }): EventEnvelope {
  const envelope = organizationEnvelope({
    eventId: uuidv7(),
    type: OrganizationRegistered.type,
    streamId: `organization-${o.id}`,
    streamVersion: 1,
    at: new Date().toISOString(),
    actor: SEED_ACTOR,
    orgId: o.id,
    correlationId: `seed-${o.code}`,
    causationId: null,
    data: {
      organizationId: o.id,
      code: o.code,
      name: o.name,
      level: o.level,
      kind: o.kind,
      sector: o.sector,
      parentId: o.parentId,
      temporary: o.temporary ?? false,
      establishedOn: o.establishedOn,
    },
  });
  publicContracts.assertValid(envelope);
  return envelope;
}
