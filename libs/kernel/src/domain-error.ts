/**
 * A refusal the domain can name. `kind` tells the interface layer how to answer
 * (400, 403, 404, 409 or 422) without the domain knowing about HTTP.
 */
export type DomainErrorKind = 'not_found' | 'conflict' | 'rule' | 'forbidden' | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
