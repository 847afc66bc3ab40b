import { Pool } from 'pg';
import { demoOrgId } from '@vanguard/infra-config';
import { outletKey, type MediaChannel, type MediaLevel } from '../../domain/article/article';
import { bootstrapDemoTree } from '@vanguard/auth';

/**
 * `npm start`'s publicity demo in 松岭旗 (seed 002 counts its articles by media level): the
 * org-tree copy of the demo region, a column, and one published article at every media level,
 * one of them reprinted. Exemplars are not seeded: the commendation demo's decided commendations
 * reach this service through Kafka and arrive as proposals, as they would in production.
 * Idempotent: fixed ids, `on conflict do nothing`.
 */
const COUNTY = demoOrgId('910425');
const VILLAGE = demoOrgId('910425101201');
const COLUMN = '5e1d0000-0000-4000-8000-000000000001';

const ARTICLES: { id: string; title: string; orgId: string; pubs: [string, MediaLevel, MediaChannel, string][] }[] = [
  {
    id: '5e1d0000-0000-4000-8000-000000000101',
    title: '松岭旗“一季一先锋”让党员亮身份',
    orgId: COUNTY,
    pubs: [
      ['人民日报', 'central', 'press', '2026-03-12'],
      ['内蒙古日报', 'provincial', 'press', '2026-03-14'],
    ],
  },
  {
    id: '5e1d0000-0000-4000-8000-000000000102',
    title: '红石村合作社带富一方',
    orgId: VILLAGE,
    pubs: [['内蒙古广播电视台', 'provincial', 'tv', '2026-04-02']],
  },
  {
    id: '5e1d0000-0000-4000-8000-000000000103',
    title: '白桦镇驻村干部的一天',
    orgId: demoOrgId('910425101'),
    pubs: [['青山日报', 'municipal', 'press', '2026-04-20']],
  },
  {
    id: '5e1d0000-0000-4000-8000-000000000104',
    title: '松岭旗开展党员积分管理',
    orgId: COUNTY,
    pubs: [['松岭旗融媒体中心', 'county', 'web', '2026-05-08']],
  },
];

export async function seedPublicityDemo(serviceUrl: string): Promise<{ created: boolean }> {
  const url = new URL(serviceUrl);
  url.searchParams.set('options', '-c search_path=publicity');
  const pool = new Pool({ connectionString: url.toString(), max: 2 });
  try {
    await bootstrapDemoTree(pool);
    const column = await pool.query(
      `insert into columns (id, org_id, name, description, created_at) values ($1, $2, '一季一先锋', '季度先锋人物与事迹', now()) on conflict do nothing`,
      [COLUMN, COUNTY],
    );
    for (const a of ARTICLES) {
      await pool.query(
        `insert into articles (id, org_id, column_id, title, body_html, status, author_sub, created_at, updated_at)
         values ($1, $2, $3, $4, $5, 'published', 'demo-seed', now(), now()) on conflict do nothing`,
        [a.id, a.orgId, a.orgId === COUNTY ? COLUMN : null, a.title, `<p>${a.title}。</p>`],
      );
      for (const [outlet, level, channel, day] of a.pubs)
        await pool.query(
          `insert into article_publications (article_id, outlet, outlet_key, level, channel, published_on, recorded_by)
           values ($1, $2, $3, $4, $5, $6, 'demo-seed') on conflict do nothing`,
          [a.id, outlet, outletKey(outlet), level, channel, day],
        );
    }
    return { created: (column.rowCount ?? 0) > 0 };
  } finally {
    await pool.end();
  }
}
