import type { Actor } from '../ports/actor';
import { OutOfScopeError } from './out-of-scope.error';

/**
 * A caller acts only inside the subtree of the organisation in their token (`org_id`);
 * county system clients carry their county there, so the same check holds them to it.
 * `path` is the target organisation's ids from the root down to itself.
 */
export function isWithinScope(actor: Actor, path: readonly string[]): boolean {
  return actor.orgId !== undefined && path.includes(actor.orgId);
}

export function assertWithinScope(actor: Actor, targetId: string, path: readonly string[]): void {
  if (!isWithinScope(actor, path)) throw new OutOfScopeError(targetId);
}
