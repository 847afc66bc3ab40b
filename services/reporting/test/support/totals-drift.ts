import type { Pool } from 'pg';

/**
 * Where the subtree totals differ from the facts and the roster, computed independently of them:
 * for every organisation the tree names, what the rows in its subtree (path holds it) add up to,
 * against the totals summed over their slots. Empty when they agree; each entry says what differs.
 */
export async function totalsDrift(pool: Pool, suffix = ''): Promise<string[]> {
  const [org, member, fact] = ['rpt_org', 'rpt_member', 'rpt_fact'].map((t) => t + suffix);
  const facts = await pool.query<{ k: string; anc: string; month: string; figure: string; amount: string; weight: string; n: string }>(`
    with roots as (select distinct unnest(path) as anc from ${org}),
    expected as (
      select r.anc, to_char(f.day, 'YYYY-MM') as month, f.figure, sum(f.amount) as amount, sum(f.weight) as weight, count(*) as n
        from roots r join ${org} o on o.path @> array[r.anc] join ${fact} f on f.org_id = o.id
       group by 1, 2, 3),
    actual as (
      select anc_id as anc, to_char(month, 'YYYY-MM') as month, figure, sum(amount) as amount, sum(weight) as weight, sum(n) as n
        from rpt_fact_total${suffix} group by 1, 2, 3 having sum(n) <> 0 or sum(amount) <> 0 or sum(weight) <> 0)
    (select 'expected' as k, * from expected except select 'expected', * from actual)
    union all (select 'totalled' as k, * from actual except select 'totalled', * from expected)`);
  const roster = await pool.query<{ k: string; anc: string; orgs: string; cp: string; cpo: string; members: string }>(`
    with roots as (select distinct unnest(path) as anc from ${org}),
    expected as (
      select r.anc,
             -- 基层党组织: not a province's, city's or county's committee (a row without a kind is taken for one).
             (select count(*) from ${org} o where o.path @> array[r.anc] and o.status = 'active'
                 and (o.level in ('township', 'village') or o.kind in ('general_branch', 'branch'))) as orgs,
             (select coalesce(sum(o.contact_points), 0) from ${org} o where o.path @> array[r.anc] and o.status = 'active') as cp,
             (select count(*) from ${org} o where o.path @> array[r.anc] and o.status = 'active' and o.contact_points > 0) as cpo,
             (select count(*) from ${member} m join ${org} o on o.id = m.org_id where o.path @> array[r.anc] and m.membership = 'active') as members
        from roots r),
    actual as (
      select anc_id as anc, sum(organizations) as orgs, sum(contact_points) as cp, sum(contact_orgs) as cpo, sum(members) as members
        from rpt_roster_total${suffix} group by 1)
    (select 'expected' as k, e.* from expected e where (e.orgs, e.cp, e.cpo, e.members) <> (0, 0, 0, 0)
       except select 'expected', * from actual)
    union all (select 'totalled' as k, a.* from actual a where (a.orgs, a.cp, a.cpo, a.members) <> (0, 0, 0, 0)
       except select 'totalled', e.* from expected e)`);
  return [
    ...facts.rows.map((r) => `facts ${r.k} ${r.anc} ${r.month} ${r.figure}: amount ${r.amount}, weight ${r.weight}, n ${r.n}`),
    ...roster.rows.map((r) => `roster ${r.k} ${r.anc}: organizations ${r.orgs}, contact points ${r.cp} (${r.cpo}), members ${r.members}`),
  ];
}
