import { randomUUID } from 'node:crypto';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Members put into the test database's roster projection as the organization state topics
 * would (test apps do not follow the topics). Version 0, so any real state record replaces them.
 */
export async function enrolInRoster(db: Queryable, orgId: string, memberIds: readonly string[]): Promise<void> {
  await db.query(
    `insert into evaluation.roster_members (id, org_id, status, membership, roles, version)
     select id, $1, 'full', 'active', '{}', 0 from unnest($2::uuid[]) as id
     on conflict (id) do nothing`,
    [orgId, memberIds],
  );
}

/** A new member, active in `orgId` according to the roster. */
export async function rosterMember(db: Queryable, orgId: string): Promise<string> {
  const id = randomUUID();
  await enrolInRoster(db, orgId, [id]);
  return id;
}

/** A new member of `orgId` holding vanguard posts (亮牌示范), active or left, as a MemberState record would put them. */
export async function rosterMemberWithPosts(
  db: Queryable,
  orgId: string,
  posts: readonly string[],
  membership: 'active' | 'left' = 'active',
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `insert into evaluation.roster_members (id, org_id, status, membership, roles, posts, version) values ($1, $2, 'full', $3, '{}', $4, 0)`,
    [id, orgId, membership, posts],
  );
  return id;
}
