// The rebuild is shared by every event-sourced service: it lives in @vanguard/event-store (ADR 0024, 0035).
export { rebuildProjections, type RebuildOptions, type RebuildReport } from '@vanguard/event-store';
