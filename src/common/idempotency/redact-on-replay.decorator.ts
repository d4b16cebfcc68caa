import { SetMetadata } from '@nestjs/common';

export const REDACT_ON_REPLAY = 'idempotency:redact-on-replay';

/**
 * Response fields that hold a secret shown once (a plain API token), top-level or a dotted path
 * into nested objects (`webhook.secret`). They are stored as null, so the secret never rests in the
 * idempotency table; a replay returns null there.
 */
export const RedactOnReplay = (...fields: string[]) => SetMetadata(REDACT_ON_REPLAY, fields);

/** The body to store: `result` with its `fields` nulled, copying each object on the way (not the one sent). */
export function redacted(result: unknown, body: string, fields: string[]): string {
  if (fields.length === 0) return body;
  return JSON.stringify(fields.reduce((value, field) => withNull(value, field.split('.')), result));
}

function withNull(value: unknown, [name, ...rest]: string[]): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value) || !(name in value)) return value;
  return { ...value, [name]: rest.length === 0 ? null : withNull((value as Record<string, unknown>)[name], rest) };
}
