import { Inject, Injectable } from '@nestjs/common';
import { MAX_RECORDED_PATH } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import { EVIDENCE_SOURCES, type EvidenceItem, type EvidenceSource } from '../ports/evidence-source.port';

/**
 * A decision records at most 100 inputs (contracts' decisionSchema): one is the review itself,
 * and up to MAX_RECORDED_PATH are the branch's organisation path the conclusion checked.
 */
export const MAX_EVIDENCE_INPUTS = 100 - 1 - MAX_RECORDED_PATH;

export class EvidencePackTooLargeError extends DomainError {
  constructor(n: number) {
    super(
      'REVIEW.EVIDENCE_TOO_LARGE',
      'rule',
      `评议材料涉及${n}条记录，超过一次结论可记录的${MAX_EVIDENCE_INPUTS}条 / the evidence pack reads ${n} streams, more than a conclusion records`,
    );
  }
}

export interface EvidencePackResult {
  readonly memberId: string;
  readonly orgId: string;
  readonly year: number;
  /** The sources asked, so a reader knows what an empty section means. */
  readonly sources: readonly string[];
  readonly items: readonly EvidenceItem[];
  /** The streams at the versions read, once each: what a conclusion records as inputs. */
  readonly inputs: readonly { readonly streamId: string; readonly version: number }[];
}

/** 评议材料: the member's year as already recorded, gathered from every evidence source. */
@Injectable()
export class EvidencePack {
  constructor(@Inject(EVIDENCE_SOURCES) private readonly sources: readonly EvidenceSource[]) {}

  async gather(q: { memberId: string; orgId: string; year: number }): Promise<EvidencePackResult> {
    const found = await Promise.all(this.sources.map((s) => s.collect(q)));
    const items = found.flat().sort((a, b) => a.on.localeCompare(b.on) || a.streamId.localeCompare(b.streamId));
    const latest = new Map<string, number>();
    for (const i of items) latest.set(i.streamId, Math.max(i.version, latest.get(i.streamId) ?? 0));
    const inputs = [...latest].map(([streamId, version]) => ({ streamId, version }));
    return { ...q, sources: this.sources.map((s) => s.name), items, inputs };
  }

  /** The pack's inputs for a conclusion, refused (422) rather than cut when too many to record. */
  async inputsFor(q: { memberId: string; orgId: string; year: number }): Promise<EvidencePackResult['inputs']> {
    const { inputs } = await this.gather(q);
    if (inputs.length > MAX_EVIDENCE_INPUTS) throw new EvidencePackTooLargeError(inputs.length);
    return inputs;
  }
}
