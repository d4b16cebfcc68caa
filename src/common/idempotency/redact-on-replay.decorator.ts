import { SetMetadata } from '@nestjs/common';

export const REDACT_ON_REPLAY = 'idempotency:redact-on-replay';

/**
 * Response fields that hold a secret shown once (a plain API token), top-level or a dotted path
 * into nested objects (`webhook.secret`). They are stored as null, so the secret never rests in the
 * idempotency table; a replay returns null there.
 */
export const RedactOnReplay = (...fields: string[]) => SetMetadata(REDACT_ON_REPLAY, fields);
