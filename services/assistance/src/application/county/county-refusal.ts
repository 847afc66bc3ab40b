import { refused, type CountyMessage, type CountyOutcome } from '@vanguard/county-inbound';
import { BusinessRuleViolation, DomainError } from '@vanguard/kernel';
import type { CommandContext } from '../ports/context.port';

/**
 * A domain refusal as a county reply: a broken rule is named `<rule id>@<version>`, any other
 * coded refusal by its code. Anything else is a failure worth a retry and is rethrown.
 */
export function refusalOf(e: unknown): CountyOutcome {
  if (e instanceof BusinessRuleViolation) {
    const rule = e.rule as { id?: string; version?: number };
    return refused(rule.id ? `${rule.id}@${rule.version ?? 1}` : e.code, `${e.code}: ${e.message}`);
  }
  if (e instanceof DomainError) return refused(e.code, e.message);
  throw e;
}

/** The county system as the events' actor (as its token proved it); its message id correlates them with its reply. */
export function countyContext(m: CountyMessage): CommandContext {
  return {
    actor: { sub: m.sender.sub, username: m.sender.clientId, roles: ['county_system'], orgId: m.sender.countyOrgId, kind: 'service' },
    correlationId: m.event.correlationId || m.messageId,
  };
}
