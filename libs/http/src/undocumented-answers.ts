import fs from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject, OperationObject, ReferenceObject, ResponseObject } from '@nestjs/swagger';
import { saysItInChinese } from './reason-in-chinese';
import { ROUTE_OWN_STATUSES } from './refusals';

/**
 * A directory: each refusal a route answers with a status its OpenAPI operation does not list is
 * noted there, one JSON line (`npm test` sets it and fails when any was noted, ADR 0156). Unset in
 * production, where nothing is noted.
 */
export const UNDOCUMENTED_ANSWERS_ENV = 'VANGUARD_UNDOCUMENTED_ANSWERS';

/** What Express knows of the request once routed: the method and the route's own path pattern. */
/** The file suffix of a process's mark that it notes answers (beside its `<pid>.jsonl`). */
export const NOTING_MARK = '.noting';

/** What Express knows of the request once routed: the method and the route's own path pattern. */
export interface RoutedRequest {
  readonly method?: string;
  readonly route?: { readonly path?: unknown };
}

export interface UndocumentedAnswer {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code: string;
  /**
   * `status`: the operation lists no such response; `code`: it lists one that does not name the
   * code; `chinese`: a 400 field reason does not say it in Chinese first (the field follows the code).
   */
  readonly missing: 'status' | 'code' | 'chinese';
}

export interface AnswerNotes {
  note(req: RoutedRequest, status: number, code: string, errors?: readonly { field?: unknown; reason?: unknown }[]): void;
}

/**
 * Pure: each field reason of a routed 400 that does not say it in Chinese first (reason-in-chinese.ts),
 * as a note naming the field. People read these first; the paths that answer 400 are many, and
 * an English-only one was found only by reading (2026-12-07).
 */
export function reasonsNotInChinese(
  req: RoutedRequest,
  status: number,
  code: string,
  errors: readonly { field?: unknown; reason?: unknown }[] | undefined,
): UndocumentedAnswer[] {
  const route = req.route?.path;
  if (status !== 400 || typeof route !== 'string' || !req.method || !errors) return [];
  const method = (req.method === 'HEAD' ? 'GET' : req.method).toUpperCase();
  const at = documentPath(route);
  return errors
    .filter((e) => typeof e.reason !== 'string' || !saysItInChinese(e.reason))
    .map((e) => ({
      operationId: `${method} ${at}`,
      method,
      path: at,
      status,
      code: `${code} ${String(e.field)}`,
      missing: 'chinese' as const,
    }));
}

/** Express's `/members/:id/full` as the document writes it, `/members/{id}/full`. */
export const documentPath = (route: string): string => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Whether `text` names `code` as a whole code: `REVIEW.NOT_FOUND` is not named by `MONTHLY_REVIEW.NOT_FOUND`. */
const names = (text: string, code: string): boolean =>
  new RegExp(`(?<![A-Z0-9_.])${code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Z0-9_]|\\.[A-Z])`).test(text);

/** A response's description, through a `$ref` to the shared ones. */
const descriptionOf = (doc: OpenAPIObject, r: ResponseObject | ReferenceObject): string => {
  if (!('$ref' in r)) return r.description;
  const shared = doc.components?.responses?.[r.$ref.replace('#/components/responses/', '')];
  return shared && !('$ref' in shared) ? shared.description : '';
};

/**
 * Pure: what the routed operation of `doc` does not say of an answer — the status (nor a default),
 * or, for a route's own statuses (ROUTE_OWN_STATUSES), the code in that status's description;
 * undefined when it says both, or the route is not in the document.
 */
export function undocumentedAnswer(doc: OpenAPIObject, req: RoutedRequest, status: number, code: string): UndocumentedAnswer | undefined {
  const route = req.route?.path;
  if (typeof route !== 'string' || !req.method) return undefined;
  // Express answers a HEAD with the GET route, which the document lists as GET only.
  const method = req.method === 'HEAD' ? 'get' : req.method.toLowerCase();
  const at = documentPath(route);
  const op = (doc.paths[at] as Record<string, OperationObject | undefined> | undefined)?.[method];
  // A route the document leaves out on purpose (health, metrics) has nothing to disagree with.
  if (!op || op.responses['default']) return undefined;
  const listed = op.responses[String(status)];
  const missing =
    listed === undefined
      ? 'status'
      : (ROUTE_OWN_STATUSES as readonly number[]).includes(status) && !names(descriptionOf(doc, listed), code)
        ? 'code'
        : undefined;
  if (!missing) return undefined;
  return { operationId: op.operationId ?? `${method} ${at}`, method: method.toUpperCase(), path: at, status, code, missing };
}

/** Notes for this process when UNDOCUMENTED_ANSWERS_ENV names a directory, else none. */
export function undocumentedAnswersFromEnv(doc: OpenAPIObject, dir = process.env[UNDOCUMENTED_ANSWERS_ENV]): AnswerNotes | undefined {
  if (!dir) return undefined;
  const file = path.join(dir, `${process.pid}.jsonl`);
  // Says the notes are on in this process: a run whose check finds none was not checking at all.
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${process.pid}${NOTING_MARK}`), '');
  } catch {
    /* the check then finds no mark and says so */
  }
  return {
    note(req, status, code, errors) {
      const answer = undocumentedAnswer(doc, req, status, code);
      const notes = [...(answer ? [answer] : []), ...reasonsNotInChinese(req, status, code, errors)];
      if (notes.length === 0) return;
      // A note that cannot be written must not cost the answer: the run's check then misses it.
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.appendFileSync(file, notes.map((n) => `${JSON.stringify(n)}\n`).join(''));
      } catch {
        /* noted nowhere */
      }
    },
  };
}
