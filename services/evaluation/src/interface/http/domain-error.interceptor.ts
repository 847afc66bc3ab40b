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
import { DomainError } from '@vanguard/kernel';
import { catchError, type Observable } from 'rxjs';

const STATUS: Record<DomainError['kind'], new (body: object) => HttpException> = {
  not_found: NotFoundException,
  conflict: ConflictException,
  rule: UnprocessableEntityException,
  forbidden: ForbiddenException,
  invalid: BadRequestException,
};

/**
 * Domain refusals become coded answers naming the rule: invalid → 400, forbidden → 403,
 * not found → 404, conflict (including a concurrent change) → 409, rule → 422.
 */
@Injectable()
export class DomainErrorInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (e instanceof DomainError) throw new STATUS[e.kind]({ code: e.code, message: e.message });
        throw e;
      }),
    );
  }
}
