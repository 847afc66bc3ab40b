import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import { bootstrapDemoTree, ScopeService, type Principal } from '@vanguard/auth';
import { demoOrgId } from '@vanguard/infra-config';
import { Access, todayInChina } from '../../application/access';
import { ArticlesService } from '../../application/articles.service';
import type { MediaChannel, MediaLevel } from '../../domain/article/article';
import { HonourRollVersion } from '../honour-roll/honour-roll-version';
import { UnitOfWork } from '../persistence/unit-of-work';

/**
 * `npm start`'s publicity demo in 松岭旗 (seed 002 counts its articles by media level): the
 * org-tree copy of the demo region, a column, and one published article at every media level,
 * one of them reprinted. Written through ArticlesService as an editor would (draft, review,
 * publication), so each publication is an `ArticlePublished` in the outbox and reaches
 * reporting's figures. Published in the current year, on days counted back from the day it runs
 * (never before 1 January). Exemplars are not seeded: the commendation demo's decided
 * commendations reach this service through Kafka and arrive as proposals, as in production.
 * Idempotent and resumable: each step (the column, each article, its review, each outlet) is
 * taken only if it is not there yet, so a run stopped half-way is finished by the next.
 */
const COUNTY = demoOrgId('910425');
const VILLAGE = demoOrgId('910425101201');
const COLUMN_NAME = '一季一先锋';

/** Each publication: outlet, level, channel, days before the seed's day. */
const ARTICLES: { title: string; orgId: string; pubs: [string, MediaLevel, MediaChannel, number][] }[] = [
  {
    title: '松岭旗“一季一先锋”让党员亮身份',
    orgId: COUNTY,
    pubs: [
      ['人民日报', 'central', 'press', 40],
      ['内蒙古日报', 'provincial', 'press', 38],
    ],
  },
  { title: '红石村合作社带富一方', orgId: VILLAGE, pubs: [['内蒙古广播电视台', 'provincial', 'tv', 30]] },
  { title: '白桦镇驻村干部的一天', orgId: demoOrgId('910425101'), pubs: [['青山日报', 'municipal', 'press', 20]] },
  { title: '松岭旗开展党员积分管理', orgId: COUNTY, pubs: [['松岭旗融媒体中心', 'county', 'web', 10]] },
];

const EDITOR: Principal = {
  sub: 'demo-seed',
  username: 'demo-seed',
  roles: ['editor'],
  orgId: COUNTY,
  kind: 'user',
  clientId: undefined,
};

/** `days` before `today` (YYYY-MM-DD), but not before 1 January of its year. */
export function daysBackThisYear(today: string, days: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  const back = d.toISOString().slice(0, 10);
  return back.slice(0, 4) === today.slice(0, 4) ? back : `${today.slice(0, 4)}-01-01`;
}

export async function seedPublicityDemo(serviceUrl: string): Promise<{ created: boolean }> {
  const url = new URL(serviceUrl);
  url.searchParams.set('options', '-c search_path=publicity');
  const ds = new DataSource({ type: 'postgres', url: url.toString(), schema: 'publicity', logging: false, extra: { max: 2 } });
  await ds.initialize();
  try {
    const pool = (ds.driver as unknown as { master: Pool }).master;
    await bootstrapDemoTree(pool);
    const scope = new ScopeService();
    await scope.load(pool);
    const articles = new ArticlesService(new UnitOfWork(ds, new HonourRollVersion(pool)), new Access(scope));
    let created = false;
    let columnId = (await pool.query<{ id: string }>(`select id from columns where org_id = $1 and name = $2`, [COUNTY, COLUMN_NAME]))
      .rows[0]?.id;
    if (!columnId) {
      columnId = (await articles.createColumn(EDITOR, { orgId: COUNTY, name: COLUMN_NAME, description: '季度先锋人物与事迹' })).id;
      created = true;
    }
    const today = todayInChina();
    for (const a of ARTICLES) {
      const found = (
        await pool.query<{ id: string }>(`select id from articles where org_id = $1 and title = $2 and author_sub = $3`, [
          a.orgId,
          a.title,
          EDITOR.sub,
        ])
      ).rows[0];
      let article = found
        ? await articles.get(EDITOR, found.id)
        : await articles.create(EDITOR, {
            orgId: a.orgId,
            ...(a.orgId === COUNTY ? { columnId } : {}),
            title: a.title,
            body: `<p>${a.title}。</p>`,
          });
      if (article.status === 'draft') article = await articles.submit(EDITOR, article.id);
      for (const [outlet, level, channel, days] of a.pubs) {
        if (article.publications.some((x) => x.outlet === outlet)) continue;
        article = await articles.publish(EDITOR, article.id, { outlet, level, channel, publishedOn: daysBackThisYear(today, days) });
        created = true;
      }
    }
    return { created };
  } finally {
    await ds.destroy();
  }
}
