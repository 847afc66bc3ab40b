/**
 * What the caller last read must still be what is stored (HTTP `If-Match`). Called with the
 * current state under its row lock, before any rule that reads it, so of two edits sent against one read only
 * the first is applied; it throws to refuse. The application does not know how it is judged.
 */
export type Precondition<V> = (current: V) => void;
