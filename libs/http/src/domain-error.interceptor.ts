import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
  type CallHandler,
  type ExecutionContext,
  type HttpException,
  type NestInterceptor,
} from '@nestjs/common';
import { BusinessRuleViolation, DomainError, type RuleRef } from '@vanguard/kernel';
import { catchError, type Observable } from 'rxjs';

const STATUS: Record<DomainError['kind'], new (body: object) => HttpException> = {
  not_found: NotFoundException,
  conflict: ConflictException,
  rule: UnprocessableEntityException,
  forbidden: ForbiddenException,
  invalid: BadRequestException,
};

/** The versioned rule (or eligibility policy) behind a refusal, when it has one. */
export function ruleOf(e: DomainError): RuleRef | undefined {
  const rule: unknown = e instanceof BusinessRuleViolation ? e.rule : (e as DomainError & { rule?: unknown }).rule;
  if (rule && typeof rule === 'object' && 'id' in rule && 'version' in rule) {
    const { id, version } = rule;
    if (typeof id === 'string' && typeof version === 'number') return { id, version };
  }
  return undefined;
}

/** The answer a domain refusal gets: its code, and its message ending with the versioned rule, `[rule pledge.filed-by-level-above@1]`. */
export function domainErrorAnswer(e: DomainError): HttpException {
  const rule = ruleOf(e);
  // A refusal that passes with time (a lock's wait ran out) says when to come back: Retry-After.
  const retryAfterSec = (e as DomainError & { retryAfterSec?: unknown }).retryAfterSec;
  // The shared problem body keeps code and message only: the rule rides in the message.
  return new STATUS[e.kind]({
    code: e.code,
    message: rule ? `${e.message} [rule ${rule.id}@${rule.version}]` : e.message,
    ...(typeof retryAfterSec === 'number' ? { retryAfterSec } : {}),
  });
}

/**
 * Domain refusals become coded answers naming the rule: invalid → 400, forbidden → 403,
 * not found → 404, conflict (a concurrent change included) → 409, rule → 422.
 */
@Injectable()
export class DomainErrorInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (e instanceof DomainError) throw domainErrorAnswer(e);
        throw e;
      }),
    );
  }
}
