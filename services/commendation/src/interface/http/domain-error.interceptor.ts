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
import { BusinessRuleViolation, DomainError } from '@vanguard/kernel';
import { catchError, type Observable } from 'rxjs';

const STATUS: Record<DomainError['kind'], new (body: object) => HttpException> = {
  not_found: NotFoundException,
  conflict: ConflictException,
  rule: UnprocessableEntityException,
  forbidden: ForbiddenException,
  invalid: BadRequestException,
};

/** The versioned rule (or eligibility policy) behind a refusal, when it has one. */
function ruleOf(e: DomainError): { id: string; version: number } | undefined {
  const carried = (e as DomainError & { rule?: unknown }).rule;
  const rule = e instanceof BusinessRuleViolation ? e.rule : carried;
  if (rule && typeof rule === 'object' && 'id' in rule && 'version' in rule) {
    const { id, version } = rule;
    if (typeof id === 'string' && typeof version === 'number') return { id, version };
  }
  return undefined;
}

/**
 * Domain refusals become coded answers naming the rule: invalid → 400, forbidden → 403,
 * not found → 404, conflict (including a concurrent change) → 409, rule → 422; a versioned
 * rule's id and version end the message, `[commendation.quota.within-places v1]`.
 */
@Injectable()
export class DomainErrorInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (e instanceof DomainError) {
          const rule = ruleOf(e);
          // The shared problem body keeps code and message only: the rule rides in the message.
          throw new STATUS[e.kind]({ code: e.code, message: rule ? `${e.message} [${rule.id} v${rule.version}]` : e.message });
        }
        throw e;
      }),
    );
  }
}
