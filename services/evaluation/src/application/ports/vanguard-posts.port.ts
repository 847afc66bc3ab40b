import type { VanguardPost } from '@vanguard/contracts';

export const VANGUARD_POSTS = Symbol('VANGUARD_POSTS');

/** How many of an organisation's members hold one kind of vanguard post: a count, never who. */
export interface VanguardPostCount {
  readonly post: VanguardPost;
  readonly members: number;
}

/**
 * 亮牌示范 as the roster knows it (MemberState `posts`): the posts held by the active members of one
 * organisation (not of its descendants), each kind with at least one holder, in the vocabulary's order.
 */
export interface VanguardPostsPort {
  heldIn(orgId: string): Promise<readonly VanguardPostCount[]>;
}
