/**
 * The organisation path a decision records among its inputs (root first), as a matcher: the
 * ids are the test's; each version is whatever the test database's tree copy held (the demo
 * tree goes in at 0, organisation events raise it), so only its presence is asserted here.
 */
export const recordedPath = (ids: readonly string[]) =>
  ids.map((id) => ({ streamId: `organization-${id}`, version: expect.any(Number) as number }));
