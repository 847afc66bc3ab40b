import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@vanguard/auth';
import { ArticlePublished } from '@vanguard/contracts';
import { DomainError } from '@vanguard/kernel';
import {
  editArticle,
  outletKey,
  publishIn,
  reportOnCampaign,
  returnToDraft,
  submitForReview,
  type ArticleStatus,
  type Publication,
} from '../domain/article/article';
import { cleanRichText } from '../domain/content/rich-text';
import { UnitOfWork, type Tx } from '../infrastructure/persistence/unit-of-work';
import { Access, actorOf, todayInChina } from './access';
import type { Precondition } from './precondition';

export interface ArticleView {
  readonly id: string;
  readonly orgId: string;
  readonly columnId: string | null;
  readonly campaignId: string | null;
  readonly title: string;
  readonly bodyHtml: string;
  readonly status: ArticleStatus;
  readonly version: number;
  readonly publications: Publication[];
}

export interface ArticleDraft {
  readonly orgId: string;
  readonly columnId?: string;
  readonly campaignId?: string;
  readonly title: string;
  readonly body: string;
}

export interface ArticleFilter {
  readonly status?: string;
  readonly columnId?: string;
  readonly campaignId?: string;
}

export interface CampaignView {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly startsOn: string;
  readonly endsOn: string;
}

/** The list filters, scope last: `$1` status, `$2` column, `$3` campaign, `$4` the organisations within the caller's scope. */
const FILTER = `($1::text is null or status = $1) and ($2::uuid is null or column_id = $2)
  and ($3::uuid is null or campaign_id = $3) and org_id = any($4::uuid[])`;

const notFound = (what: string) => new DomainError(`${what.toUpperCase()}.NOT_FOUND`, 'not_found', `未找到 / no such ${what}`);

/** 稿件 and 专栏: drafts written, sent for review, published by an editor, reprints recorded once per outlet. */
@Injectable()
export class ArticlesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly access: Access,
  ) {}

  createColumn(p: Principal, c: { orgId: string; name: string; description?: string }): Promise<{ id: string }> {
    this.access.mustActFor(p, c.orgId);
    const id = randomUUID();
    return this.uow.run(async (tx) => {
      await tx.query(`insert into columns (id, org_id, name, description, created_at) values ($1, $2, $3, $4, now())`, [
        id,
        c.orgId,
        c.name,
        c.description ?? '',
      ]);
      return { id };
    });
  }

  listColumns(p: Principal): Promise<{ id: string; orgId: string; name: string; description: string; articles: number }[]> {
    return this.uow.run(async (tx) => {
      const rows = await tx.query<{ id: string; orgId: string; name: string; description: string; articles: string }>(
        `select c.id, c.org_id as "orgId", c.name, c.description, count(a.id) filter (where a.org_id = any($1::uuid[])) as articles
           from columns c left join articles a on a.column_id = c.id
          where c.org_id = any($1::uuid[]) group by c.id order by c.created_at, c.id`,
        [this.access.idsWithin(p)],
      );
      return rows.map((r) => ({ ...r, articles: Number(r.articles) }));
    });
  }

  /** 创先争优活动 covering the caller's organisation, or launched within the caller's subtree. */
  listCampaigns(p: Principal): Promise<CampaignView[]> {
    return this.uow.run((tx) =>
      tx.query<CampaignView>(
        `select c.id, c.org_id as "orgId", c.name, to_char(c.starts_on, 'YYYY-MM-DD') as "startsOn",
                to_char(c.ends_on, 'YYYY-MM-DD') as "endsOn"
           from campaigns c
          where c.org_id = any($1::uuid[])
             or exists (select 1 from org_tree t where t.id = $2 and t.path like '%/' || c.org_id || '/%')
          order by c.starts_on desc, c.id`,
        [this.access.idsWithin(p), p.orgId],
      ),
    );
  }

  create(p: Principal, d: ArticleDraft): Promise<ArticleView> {
    this.access.mustActFor(p, d.orgId);
    const id = randomUUID();
    const body = cleanRichText('body', d.body);
    return this.uow.run(async (tx) => {
      if (d.columnId) await this.columnOf(tx, p, d.columnId, d.orgId);
      if (d.campaignId) reportOnCampaign(await this.campaignCovers(tx, d.campaignId, d.orgId));
      await tx.query(
        `insert into articles (id, org_id, column_id, campaign_id, title, body_html, status, author_sub, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, 'draft', $7, now(), now())`,
        [id, d.orgId, d.columnId ?? null, d.campaignId ?? null, d.title, body, p.sub],
      );
      return this.load(tx, p, id);
    });
  }

  edit(p: Principal, id: string, d: { title?: string; body?: string }, precondition?: Precondition<ArticleView>): Promise<ArticleView> {
    const body = d.body === undefined ? undefined : cleanRichText('body', d.body);
    return this.uow.run(async (tx) => {
      const a = await this.load(tx, p, id, true);
      precondition?.(a);
      const next = editArticle(a.status, a, { title: d.title, body });
      if (!next) return a;
      await tx.query(`update articles set title = $2, body_html = $3, updated_at = now(), version = version + 1 where id = $1`, [
        id,
        next.title,
        next.bodyHtml,
      ]);
      return this.load(tx, p, id);
    });
  }

  submit(p: Principal, id: string): Promise<ArticleView> {
    return this.move(p, id, submitForReview);
  }

  returnToDraft(p: Principal, id: string): Promise<ArticleView> {
    return this.move(p, id, returnToDraft);
  }

  /** The first publication publishes the article; later ones are reprints, one per outlet. */
  publish(p: Principal, id: string, pub: Publication): Promise<ArticleView> {
    return this.uow.run(async (tx) => {
      const a = await this.load(tx, p, id, true);
      const status = publishIn(
        a.status,
        a.publications.map((x) => x.outlet),
        pub,
        todayInChina(),
      );
      await tx.query(
        `insert into article_publications (article_id, outlet, outlet_key, level, channel, published_on, link, recorded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, pub.outlet.trim(), outletKey(pub.outlet), pub.level, pub.channel, pub.publishedOn, pub.link ?? null, p.sub],
      );
      await tx.query(`update articles set status = $2, updated_at = now(), version = version + 1 where id = $1`, [id, status]);
      await tx.publish(
        ArticlePublished,
        id,
        a.orgId,
        {
          articleId: id,
          orgId: a.orgId,
          outlet: pub.outlet.trim(),
          level: pub.level,
          channel: pub.channel,
          publishedOn: pub.publishedOn,
          ...(pub.link ? { link: pub.link } : {}),
        },
        actorOf(p),
      );
      return this.load(tx, p, id);
    });
  }

  get(p: Principal, id: string): Promise<ArticleView> {
    return this.uow.run((tx) => this.load(tx, p, id));
  }

  list(p: Principal, q: ArticleFilter, limit: number, offset: number): Promise<{ items: ArticleView[]; total: number }> {
    return this.uow.run(async (tx) => {
      // Scope filters and pages in SQL: a province's editor reads one page, not every article.
      const ids = await tx.query<{ id: string; total: string }>(
        `select id, count(*) over () as total from articles
          where ${FILTER} order by created_at desc, id limit $5 offset $6`,
        [...this.filterParams(p, q), limit, offset],
      );
      const items: ArticleView[] = [];
      for (const r of ids) items.push(await this.load(tx, p, r.id));
      const total = ids[0] ? Number(ids[0].total) : await this.countWithin(tx, p, q);
      return { items, total };
    });
  }

  /** The total when the page asked for lies past the last row (an offset beyond the end). */
  private async countWithin(tx: Tx, p: Principal, q: ArticleFilter): Promise<number> {
    const [row] = await tx.query<{ n: string }>(`select count(*) as n from articles where ${FILTER}`, this.filterParams(p, q));
    return Number(row?.n ?? 0);
  }

  private filterParams(p: Principal, q: ArticleFilter): unknown[] {
    return [q.status ?? null, q.columnId ?? null, q.campaignId ?? null, this.access.idsWithin(p)];
  }

  /** Whether the campaign is known here and its subtree (the org-tree copy's path) holds the organisation. */
  private async campaignCovers(tx: Tx, campaignId: string, orgId: string): Promise<boolean> {
    const rows = await tx.query(
      `select 1 from campaigns c join org_tree t on t.id = $2 where c.id = $1 and t.path like '%/' || c.org_id || '/%'`,
      [campaignId, orgId],
    );
    return rows.length > 0;
  }

  private move(p: Principal, id: string, next: (s: ArticleStatus) => ArticleStatus): Promise<ArticleView> {
    return this.uow.run(async (tx) => {
      const a = await this.load(tx, p, id, true);
      await tx.query(`update articles set status = $2, updated_at = now(), version = version + 1 where id = $1`, [id, next(a.status)]);
      return this.load(tx, p, id);
    });
  }

  /**
   * The column, if the caller may see it and it is the article's organisation's or above it: a
   * province editor could file a village's article under another county's column, and that
   * county's editors then counted an article they cannot see.
   */
  private async columnOf(tx: Tx, p: Principal, columnId: string, articleOrgId: string): Promise<void> {
    const [c] = await tx.query<{ org_id: string }>(`select org_id from columns where id = $1`, [columnId]);
    if (!c || !this.access.within(p, c.org_id)) throw notFound('column');
    if (!this.access.isBelowOrSame(articleOrgId, c.org_id))
      throw new DomainError(
        'ARTICLE.COLUMN_ELSEWHERE',
        'rule',
        '稿件单位不在该专栏所属组织之下 / the article’s organisation is not within the column’s',
      );
  }

  async load(tx: Tx, p: Principal, id: string, lock = false): Promise<ArticleView> {
    const [a] = await tx.query<Omit<ArticleView, 'publications'>>(
      `select id, org_id as "orgId", column_id as "columnId", campaign_id as "campaignId", title, body_html as "bodyHtml", status, version
         from articles where id = $1 ${lock ? 'for update' : ''}`,
      [id],
    );
    if (!a || !this.access.within(p, a.orgId)) throw notFound('article');
    const publications = await tx.query<Publication & { link: string | null }>(
      `select outlet, level, channel, to_char(published_on, 'YYYY-MM-DD') as "publishedOn", link
         from article_publications where article_id = $1 order by published_on, outlet`,
      [id],
    );
    return { ...a, publications: publications.map(({ link, ...x }) => ({ ...x, ...(link ? { link } : {}) })) };
  }
}
