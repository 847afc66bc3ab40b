import { SetMetadata } from '@nestjs/common';
import type { QueryBus } from '@nestjs/cqrs';
import type { Principal } from '@vanguard/auth';
import type { DomainError } from '../../domain/shared/domain-error';

export const CONCEAL_OUT_OF_SCOPE = 'organization:conceal-out-of-scope';

export interface ConcealableRequest {
  readonly params: Record<string, string | undefined>;
  readonly body?: Record<string, unknown>;
  readonly principal?: Principal;
}

export interface Concealment {
  /** The answer for an id that does not exist: out-of-scope callers get exactly this. */
  notFound(req: ConcealableRequest): DomainError;
  /**
   * Whether the caller may see the resource at all (e.g. the sending side of a transfer it
   * cannot accept). Callers who may keep the 403; everyone else learns nothing.
   */
  visible?(req: ConcealableRequest, queries: QueryBus): Promise<boolean>;
}

/**
 * On routes that address a member, transfer or contact point, "not yours" answers the same
 * 404 as "not there": a 403 would confirm the id exists and its message would name the
 * organisation that holds it. Read by the DomainErrorInterceptor.
 */
export const ConcealOutOfScope = (concealment: Concealment) => SetMetadata(CONCEAL_OUT_OF_SCOPE, concealment);
