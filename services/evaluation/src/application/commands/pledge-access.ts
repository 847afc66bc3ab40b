import { pledgeDecider, type OrgPath, type PledgeCommand, type PledgeState } from '@vanguard/evaluation-domain';
import { DomainError } from '@vanguard/kernel';
import type { OrgTreePort } from '../ports/org-tree.port';
import type { Loaded, StreamsPort } from '../ports/streams.port';
import { streamContext, type CommandContext } from './command-context';

export class PledgeNotFoundError extends DomainError {
  constructor(pledgeId: string) {
    super('PLEDGE.NOT_FOUND', 'not_found', `承诺不存在 / no pledge ${pledgeId}`);
  }
}

export const pledgeStream = (pledgeId: string) => `pledge-${pledgeId}`;

/**
 * A pledge the caller may act on. Outside the caller's subtree it answers exactly like a
 * pledge that does not exist, so ids of other townships' pledges cannot be probed.
 */
export async function loadPledgeInScope(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  pledgeId: string,
): Promise<Loaded<PledgeState> & { orgId: string }> {
  const loaded = await streams.load(pledgeStream(pledgeId), pledgeDecider);
  const orgId = loaded.state.orgId;
  if (loaded.state.status === 'none' || !orgId || !tree.isWithin(ctx.caller.orgId, orgId)) throw new PledgeNotFoundError(pledgeId);
  return { ...loaded, orgId };
}

export async function pathOrFail(tree: OrgTreePort, orgId: string): Promise<readonly string[]> {
  const path = await tree.pathOf(orgId);
  if (!path) throw new DomainError('ORGANIZATION.NOT_FOUND', 'not_found', `组织不存在 / no organisation ${orgId}`);
  return path;
}

/** The path with the copy's versions, for a decision to check and record; unknown answers 404. */
export async function readPathOrFail(tree: OrgTreePort, orgId: string): Promise<OrgPath> {
  const path = await tree.readPath(orgId);
  if (!path) throw new DomainError('ORGANIZATION.NOT_FOUND', 'not_found', `组织不存在 / no organisation ${orgId}`);
  return path;
}

/** Load the pledge in scope, build the command from what was read, decide, append expecting the version read. */
export async function decideOnPledge(
  streams: StreamsPort,
  tree: OrgTreePort,
  ctx: CommandContext,
  pledgeId: string,
  build: (pledge: Loaded<PledgeState> & { orgId: string }) => PledgeCommand | Promise<PledgeCommand>,
): Promise<{ version: number }> {
  const pledge = await loadPledgeInScope(streams, tree, ctx, pledgeId);
  const events = pledgeDecider.decide(await build(pledge), pledge.state);
  const version = await streams.append(pledgeStream(pledgeId), events, pledge.version, streamContext(ctx, pledge.orgId));
  return { version };
}

/** The path of the organisation that filed the pledge; empty (refused by the domain) before filing. */
export async function filerPath(tree: OrgTreePort, filedByOrgId: string | null): Promise<OrgPath> {
  return filedByOrgId ? ((await tree.readPath(filedByOrgId)) ?? []) : [];
}
