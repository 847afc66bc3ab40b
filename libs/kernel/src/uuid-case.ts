/** A UUID standing alone (not inside a longer word), in either case. */
const UUID = /(?<![0-9A-Za-z])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Za-z])/g;

/**
 * Every UUID in `text` in lower case (RFC 9562: UUIDs are read in either case and written in
 * lower case). Ids are stored, compared and scoped lower-case, so `3F2504E0-…` for one's own
 * organisation came back 403 or 404 where the same id in lower case answered 200 (ADR 0091), and
 * one county member sent as `<ID>` and as `<id>` was two subjects (ADR 0105). The one rule for
 * the HTTP edge and the county gate alike.
 */
export function lowerCaseUuids(text: string): string {
  return /[A-F]/.test(text) ? text.replace(UUID, (u) => u.toLowerCase()) : text;
}
