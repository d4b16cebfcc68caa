import { ErrorCode } from './error-code';

export type FieldErrors = Record<string, string[]>;

export interface DomainErrorOptions {
  /** Short human title; defaults to the code's title. */
  title?: string;
  /** Field -> messages, for validation errors. */
  errors?: FieldErrors;
  /** Extra top-level body fields (e.g. `required_scope`). */
  extra?: Record<string, unknown>;
  /** Extra response headers (e.g. `Retry-After`). */
  headers?: Record<string, string>;
}

/** What services throw. The global filter maps the code to the contract's status and body. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(what: string): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} not found`);
  }

  static validation(errors: FieldErrors, message = 'Validation failed'): DomainError {
    return new DomainError(ErrorCode.ValidationError, message, { errors });
  }
}
