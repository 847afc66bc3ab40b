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
import { BusinessRuleViolation, DomainError, type VersionedRule } from '@vanguard/kernel';
import { catchError, type Observable } from 'rxjs';

const STATUS: Record<DomainError['kind'], new (body: object) => HttpException> = {
  not_found: NotFoundException,
  conflict: ConflictException,
  rule: UnprocessableEntityException,
  forbidden: ForbiddenException,
  invalid: BadRequestException,
};

/**
 * Domain refusals become coded answers: invalid → 400, not found (also out of scope) → 404,
 * conflict → 409, rule → 422 naming the rule (its code, and its id and version at the end of the message).
 */
@Injectable()
export class DomainErrorInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (!(e instanceof DomainError)) throw e;
        const rule = e instanceof BusinessRuleViolation && 'id' in e.rule ? (e.rule as VersionedRule) : undefined;
        // The shared error body carries code and message only: the rule's id and version go in the message.
        throw new STATUS[e.kind]({ code: e.code, message: rule ? `${e.message} [rule ${rule.id}@${rule.version}]` : e.message });
      }),
    );
  }
}
