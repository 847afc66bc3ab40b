import type { Pool } from 'pg';
import { vanguardPostSchema, type VanguardPost } from '@vanguard/contracts';
import type { VanguardPostCount, VanguardPostsPort } from '../../application/ports/vanguard-posts.port';

/** Counts over `roster_members`: active members of the organisation, by post; ids never leave the query. */
export class SqlVanguardPosts implements VanguardPostsPort {
  constructor(private readonly pool: Pool) {}

  async heldIn(orgId: string): Promise<readonly VanguardPostCount[]> {
    const { rows } = await this.pool.query<{ post: VanguardPost; members: string }>(
      `select p.post, count(*) as members
         from roster_members m cross join lateral unnest(m.posts) as p(post)
        where m.org_id = $1 and m.membership = 'active'
        group by p.post`,
      [orgId],
    );
    const order = vanguardPostSchema.options;
    return rows
      .filter((r) => order.includes(r.post))
      .map((r) => ({ post: r.post, members: Number(r.members) }))
      .sort((a, b) => order.indexOf(a.post) - order.indexOf(b.post));
  }
}
