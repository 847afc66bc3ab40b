import type { z } from 'zod';
import type { AnyEventContract } from './contract';
import type { EventEnvelope } from './envelope';
import { envelopeSchema } from './envelope.schema';
import { isTopicPattern } from './topics';

export type ContractViolationReason = 'malformed-envelope' | 'unknown-type' | 'schema-violation';

export type ContractValidation =
  | { readonly ok: true; readonly envelope: EventEnvelope; readonly contract: AnyEventContract }
  | { readonly ok: false; readonly reason: ContractViolationReason; readonly message: string };

export class ContractViolationError extends Error {
  constructor(
    readonly reason: ContractViolationReason,
    message: string,
  ) {
    super(`${reason}: ${message}`);
    this.name = 'ContractViolationError';
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Every public event contract by type and version. Producers and consumers validate through it. */
export class ContractRegistry {
  private readonly byKey = new Map<string, AnyEventContract>();

  constructor(contracts: readonly AnyEventContract[]) {
    for (const c of contracts) {
      const key = `${c.type}@${c.version}`;
      if (this.byKey.has(key)) throw new Error(`contract ${c.type} v${c.version} registered twice`);
      this.byKey.set(key, c);
    }
  }

  all(): readonly AnyEventContract[] {
    // Code-unit order, not locale order: generated documents must not depend on the machine.
    return [...this.byKey.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.version - b.version));
  }

  find(type: string, version: number): AnyEventContract | undefined {
    return this.byKey.get(`${type}@${version}`);
  }

  get(type: string, version: number): AnyEventContract {
    const c = this.find(type, version);
    if (!c) throw new ContractViolationError('unknown-type', `no contract for ${type} v${version}`);
    return c;
  }

  /** Concrete topic names (what relays create); a parameterised address such as the county replies' is left out. */
  topics(): readonly string[] {
    return [...new Set(this.all().map((c) => c.topic))].filter((t) => !isTopicPattern(t)).sort();
  }

  /**
   * Checks an envelope (or anything claiming to be one) against the envelope schema and
   * the contract of its type and version. On success `envelope.data` is the schema's output.
   */
  validate(candidate: unknown): ContractValidation {
    const env = envelopeSchema.safeParse(candidate);
    if (!env.success) return { ok: false, reason: 'malformed-envelope', message: describeIssues(env.error) };
    const e = env.data as EventEnvelope;
    const contract = this.find(e.type, e.version);
    if (!contract) return { ok: false, reason: 'unknown-type', message: `no contract for ${e.type} v${e.version}` };
    if (!e.streamId.startsWith(`${contract.stream}-`)) {
      return {
        ok: false,
        reason: 'schema-violation',
        message: `streamId must be ${contract.stream}-<id>, got ${e.streamId}`,
      };
    }
    const data = contract.schema.safeParse(e.data);
    if (!data.success) return { ok: false, reason: 'schema-violation', message: `data: ${describeIssues(data.error)}` };
    const subject = contract.subject;
    const bound = subject && `${contract.stream}-${subject.of(data.data)}`;
    if (subject && e.streamId !== bound) {
      return {
        ok: false,
        reason: 'schema-violation',
        message: `streamId must be ${contract.stream}-<${subject.name}>, here ${bound}, got ${e.streamId}`,
      };
    }
    return { ok: true, envelope: { ...e, data: data.data }, contract };
  }

  /** Like {@link validate} but throws a ContractViolationError; for producers. */
  assertValid(candidate: unknown): { envelope: EventEnvelope; contract: AnyEventContract } {
    const r = this.validate(candidate);
    if (!r.ok) throw new ContractViolationError(r.reason, r.message);
    return { envelope: r.envelope, contract: r.contract };
  }
}
