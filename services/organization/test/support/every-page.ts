import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MAX_PAGE_LIMIT } from '@vanguard/http';

/**
 * Every item of a cursor-paginated list, page after page at the largest page served: the shared
 * test database keeps what earlier runs created, so one page of a county-wide list need not
 * hold the item a suite looks for.
 */
export async function everyPage<T>(
  app: INestApplication,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const res = await request(app.getHttpServer() as Parameters<typeof request>[0])
      .get(path)
      .query({ ...query, limit: MAX_PAGE_LIMIT, ...(cursor ? { cursor } : {}) })
      .set(headers);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    const page = res.body as { items: T[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
