import { BadRequestException, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { findUnstorableText } from '@vanguard/contracts';

// The rule itself lives in libs/contracts, where the county gate (no Nest) uses it too.
export { findUnstorableText, MAX_BODY_DEPTH, unstorableTextReason, type TextProblem } from '@vanguard/contracts';

/**
 * The one text check every service shares, installed globally before validation: a body,
 * query or path parameter carrying text Postgres cannot store, a `__proto__` field or nesting
 * past `MAX_BODY_DEPTH` is a 400 naming the field — never a 500 from the database or from the
 * validation pipe's stack, nor a DTO with a borrowed prototype.
 */
const MAX_PROBLEMS_SHOWN = 20;

export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const root = metadata.type === 'param' ? (metadata.data ?? '') : typeof metadata.data === 'string' ? metadata.data : '';
    const problems = findUnstorableText(value, root);
    if (problems.length > 0) {
      // A large body could name tens of thousands of fields; the first ones and the count say enough.
      const shown = problems.slice(0, MAX_PROBLEMS_SHOWN);
      const more = problems.length > shown.length ? `; … ${problems.length - shown.length} more (${problems.length} in all)` : '';
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: `请求参数有误 / invalid request: ${shown.map((p) => `${p.field}: ${p.reason}`).join('; ')}${more}`,
        errors: shown,
      });
    }
    return value;
  }
}
