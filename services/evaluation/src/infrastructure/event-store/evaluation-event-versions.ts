import { MassEvaluationOpened, MassEvaluationPublished, evaluationContracts, upcastMassEvaluationEvent } from '@vanguard/contracts';
import type { Upcaster } from '@vanguard/event-store';

/**
 * The version each evaluation event is appended at: the newest contract of its type. An event
 * type that gains a version (a breaking change, libs/contracts README) is appended at it from then
 * on, and read back through the upcasters below.
 */
const LATEST = new Map<string, number>();
for (const c of evaluationContracts) LATEST.set(c.type, Math.max(c.version, LATEST.get(c.type) ?? 0));

export const latestEventVersion = (type: string): number => LATEST.get(type) ?? 1;

/**
 * Reads old event versions as the current ones, on every read (stored rows never change: they
 * are hashed). v1 `MassEvaluationOpened` / `MassEvaluationPublished` recorded no decision; the
 * contracts' upcaster reads it from the envelope (ADR 0031).
 */
export const evaluationUpcasters: readonly Upcaster[] = [MassEvaluationOpened, MassEvaluationPublished].map((c) => ({
  type: c.type,
  fromVersion: 1,
  upcast: (_data, event) => upcastMassEvaluationEvent(event).data,
}));
