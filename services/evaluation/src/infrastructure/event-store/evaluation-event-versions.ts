import { evaluationContracts } from '@vanguard/contracts';

/**
 * The version each evaluation event is appended at: the newest contract of its type. An event
 * type that gains a version (a breaking change, libs/contracts README) is appended at it from then
 * on, and read back through the upcasters below.
 */
const LATEST = new Map<string, number>();
for (const c of evaluationContracts) LATEST.set(c.type, Math.max(c.version, LATEST.get(c.type) ?? 0));

export const latestEventVersion = (type: string): number => LATEST.get(type) ?? 1;

/** Old event versions read as the current ones: one list in libs/contracts, which the audit service reads with too. */
export { evaluationUpcasters } from '@vanguard/contracts';
