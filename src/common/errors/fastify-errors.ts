import { MAX_BODY_BYTES, payloadTooLarge } from '../http/body-limits';
import { DomainError } from './domain-error';
import { ErrorCode } from './error-code';

/**
 * Errors Fastify raises before a Nest handler runs (body parsing, limits); Nest hands them to the
 * global filter wrapped in an HttpException whose `cause` is the Fastify error.
 */
export function fromFastifyError(error: unknown): DomainError | null {
  const code = (error as { code?: string } | undefined)?.code;
  if (code === undefined) return null;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      // Fastify's own limit applies to JSON only: uploads are read by a parser that names theirs.
      return payloadTooLarge('The request body', MAX_BODY_BYTES);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DomainError(ErrorCode.UnsupportedMediaType, 'This endpoint cannot read that content type.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new DomainError(ErrorCode.BadRequest, 'Content-Length does not match the body.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new DomainError(ErrorCode.BadRequest, 'The request body is not valid JSON.', { title: 'Malformed JSON' });
    default:
      return null;
  }
}
