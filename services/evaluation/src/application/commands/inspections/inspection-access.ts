import { inspectionDecider, type InspectionState } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import type { OrgTreePort } from '../../ports/org-tree.port';
import type { Loaded, StreamsPort } from '../../ports/streams.port';
import type { CommandContext } from '../command-context';

export class InspectionNotFoundError extends DomainError {
  constructor(inspectionId: string) {
    super('INSPECTION.NOT_FOUND', 'not_found', `督导检查不存在 / no inspection ${inspectionId}`);
  }
}

export const inspectionStream = (inspectionId: string) => `inspection-${inspectionId}`;

type Launched = NonNullable<InspectionState['inspection']>;

/** An inspection whose scope the caller holds, or one the caller is a member of; any other answers like one that does not exist. */
export async function loadInspectionInScope(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  inspectionId: string,
): Promise<Loaded<InspectionState> & { inspection: Launched }> {
  const loaded = await streams.load(inspectionStream(inspectionId), inspectionDecider);
  const inspection = loaded.state.inspection;
  const visible =
    inspection && (tree.isWithin(ctx.caller.orgId, inspection.group.scopeOrgId) || inspection.group.members.includes(ctx.caller.sub));
  if (!visible) throw new InspectionNotFoundError(inspectionId);
  return { ...loaded, inspection };
}
