import type { PaginationQuery } from '@vanguard/http';
import type { Page } from '../../application/ports/read-model.port';

export const pageOf = (q: PaginationQuery): Page => ({ limit: q.limit ?? 50, offset: q.offset ?? 0 });
