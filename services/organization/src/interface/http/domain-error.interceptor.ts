import {
  ForbiddenException,
  HttpException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { domainErrorAnswer as answer } from '@vanguard/http';
import { catchError, type Observable } from 'rxjs';
import { OutOfScopeError } from '../../application/scope/out-of-scope.error';
import { BusinessRuleViolation } from '../../domain/shared/business-rule';
import { DomainError } from '../../domain/shared/domain-error';
import { CONCEAL_OUT_OF_SCOPE, type ConcealableRequest, type Concealment } from './conceal-out-of-scope';

/**
 * Domain refusals become coded answers: invalid → 400, out of scope → 403, not found → 404,
 * conflict → 409, rule → 422 (libs/http's mapping). Where the route conceals scope (ConcealOutOfScope), an
 * out-of-scope caller gets the resource's own 404 instead.
 */
@Injectable()
export class DomainErrorInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly queries: QueryBus,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const concealment = this.reflector.get<Concealment | undefined>(CONCEAL_OUT_OF_SCOPE, ctx.getHandler());
    const req = ctx.switchToHttp().getRequest<ConcealableRequest>();
    return next.handle().pipe(
      catchError(async (e: unknown) => {
        if (e instanceof OutOfScopeError && concealment) throw await this.conceal(concealment, req);
        if (e instanceof DomainError) throw namingItsField(e, answer(e));
        throw e;
      }),
    );
  }

  private async conceal(concealment: Concealment, req: ConcealableRequest): Promise<HttpException> {
    const visible = concealment.visible ? await concealment.visible(req, this.queries).catch(() => false) : false;
    if (visible) {
      // The caller may see it, just not do this: say so without naming anyone's organisation.
      return new ForbiddenException({ code: 'AUTH.OUT_OF_SCOPE', message: '无权执行此操作 / this is outside your organisation’s subtree' });
    }
    return answer(concealment.notFound(req));
  }
}

/**
 * A rule about one field's content (it says which, `field`) is answered like a malformed field:
 * `errors: [{field, reason}]`, so a form can show the refusal beside the field it is about.
 */
function namingItsField(e: DomainError, answered: HttpException): HttpException {
  const field = e instanceof BusinessRuleViolation ? (e.rule as { field?: unknown }).field : undefined;
  if (typeof field !== 'string') return answered;
  const body = answered.getResponse() as Record<string, unknown>;
  return new HttpException({ ...body, errors: [{ field, reason: e.message }] }, answered.getStatus());
}
