import { MassEvaluationOpened, MassEvaluationPublished, upcastMassEvaluationEvent } from '@vanguard/contracts';
import type { Upcaster } from '@vanguard/event-store';

/**
 * Old evaluation event versions read as the current ones, as the evaluation service reads them
 * (its evaluation-event-versions.ts; services never import each other, so the two lines are kept
 * here too): a v1 MassEvaluationOpened / Published recorded no decision, the contracts' upcaster
 * reads it from the envelope (ADR 0031). Stored rows never change.
 */
export const evaluationUpcasters: readonly Upcaster[] = [MassEvaluationOpened, MassEvaluationPublished].map((c) => ({
  type: c.type,
  fromVersion: 1,
  upcast: (_data, event) => upcastMassEvaluationEvent(event).data,
}));
