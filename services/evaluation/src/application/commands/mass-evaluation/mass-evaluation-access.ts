import { massEvaluationDecider, type MassEvaluationState } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import type { OrgTreePort } from '../../ports/org-tree.port';
import type { Loaded, StreamsPort } from '../../ports/streams.port';
import type { CommandContext } from '../command-context';

export class MassEvaluationNotFoundError extends DomainError {
  constructor(windowId: string) {
    super('MASS_EVALUATION.NOT_FOUND', 'not_found', `评议不存在 / no mass-evaluation window ${windowId}`);
  }
}

export const massEvaluationStream = (windowId: string) => `mass-evaluation-${windowId}`;

export type LoadedWindow = Loaded<MassEvaluationState> & { readonly orgId: string };

/** A window the caller may act on; outside the caller's subtree it answers like one that does not exist. */
export async function loadWindowInScope(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  windowId: string,
): Promise<LoadedWindow> {
  const loaded = await streams.load(massEvaluationStream(windowId), massEvaluationDecider);
  const orgId = loaded.state.orgId;
  if (loaded.state.status === 'none' || !orgId || !tree.isWithin(ctx.caller.orgId, orgId)) throw new MassEvaluationNotFoundError(windowId);
  return { ...loaded, orgId };
}
