/** The contract's error codes (§2). Every 4xx/5xx body carries exactly one of them. */
export enum ErrorCode {
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  ModuleDisabled = 'module_disabled',
  NotFound = 'not_found',
  ValidationError = 'validation_error',
  BadRequest = 'bad_request',
  Conflict = 'conflict',
  TimerAlreadyRunning = 'timer_already_running',
  NoActiveTimer = 'no_active_timer',
  TimeOverlap = 'time_overlap',
  IdempotencyKeyInUse = 'idempotency_key_in_use',
  IdempotencyKeyMismatch = 'idempotency_key_mismatch',
  CursorExpired = 'cursor_expired',
  InsufficientStock = 'insufficient_stock',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  RateLimited = 'rate_limited',
  ServiceUnavailable = 'service_unavailable',
  InternalError = 'internal_error',
}

export function errorStatus(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.Unauthorized:
      return 401;
    case ErrorCode.Forbidden:
    case ErrorCode.ModuleDisabled:
      return 403;
    case ErrorCode.NotFound:
      return 404;
    case ErrorCode.ValidationError:
    case ErrorCode.BadRequest:
      return 400;
    case ErrorCode.Conflict:
    case ErrorCode.TimerAlreadyRunning:
    case ErrorCode.NoActiveTimer:
    case ErrorCode.TimeOverlap:
    case ErrorCode.IdempotencyKeyInUse:
    case ErrorCode.InsufficientStock:
      return 409;
    case ErrorCode.IdempotencyKeyMismatch:
      return 422;
    case ErrorCode.CursorExpired:
      return 410;
    case ErrorCode.PayloadTooLarge:
      return 413;
    case ErrorCode.UnsupportedMediaType:
      return 415;
    case ErrorCode.RateLimited:
      return 429;
    case ErrorCode.ServiceUnavailable:
      return 503;
    case ErrorCode.InternalError:
      return 500;
  }
}

/** Short human title per code, used when the thrower gives none. */
export function errorTitle(code: ErrorCode): string {
  switch (code) {
    case ErrorCode.Unauthorized:
      return 'Unauthorized';
    case ErrorCode.Forbidden:
      return 'Forbidden';
    case ErrorCode.ModuleDisabled:
      return 'Module disabled';
    case ErrorCode.NotFound:
      return 'Not found';
    case ErrorCode.ValidationError:
      return 'Validation failed';
    case ErrorCode.BadRequest:
      return 'Bad request';
    case ErrorCode.Conflict:
      return 'Conflict';
    case ErrorCode.TimerAlreadyRunning:
      return 'Timer already running';
    case ErrorCode.NoActiveTimer:
      return 'No active timer';
    case ErrorCode.TimeOverlap:
      return 'Time overlap';
    case ErrorCode.IdempotencyKeyInUse:
      return 'Idempotency key in use';
    case ErrorCode.IdempotencyKeyMismatch:
      return 'Idempotency key mismatch';
    case ErrorCode.CursorExpired:
      return 'Cursor expired';
    case ErrorCode.InsufficientStock:
      return 'Insufficient stock';
    case ErrorCode.PayloadTooLarge:
      return 'Payload too large';
    case ErrorCode.UnsupportedMediaType:
      return 'Unsupported media type';
    case ErrorCode.RateLimited:
      return 'Too many requests';
    case ErrorCode.ServiceUnavailable:
      return 'Service unavailable';
    case ErrorCode.InternalError:
      return 'Internal server error';
  }
}
