import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { payloadTooLarge } from './body-limits';
import { acceptsUpload, uploadNotAccepted } from './upload-body';

export interface MultipartLimits {
  fileSize: number;
  files: number;
  fields: number;
}

/**
 * A `preValidation` hook: a multipart body becomes `{ field: value }`, each file as its bytes,
 * as @fastify/multipart's `attachFieldsToBody: 'keyValues'` does, on routes that take uploads
 * only (elsewhere 415, the body unread). A body the parser cannot read (no boundary, truncated,
 * malformed part headers) is a 400 `bad_request`: the plugin rethrows the parser's own errors,
 * which carry no status and answered 500. Its limit errors are 413s naming the limit.
 */
export function attachMultipartBody(limits: MultipartLimits) {
  const overLimit = new Map<unknown, () => DomainError>([
    ['FST_REQ_FILE_TOO_LARGE', () => payloadTooLarge('The uploaded file', limits.fileSize)],
    ['FST_FILES_LIMIT', () => tooMany(`${limits.files} file${limits.files === 1 ? '' : 's'}`)],
    ['FST_FIELDS_LIMIT', () => tooMany(`${limits.fields} fields`)],
  ]);
  return async (request: FastifyRequest): Promise<void> => {
    if (!request.isMultipart() || request.is404) return;
    if (!acceptsUpload(request)) throw uploadNotAccepted();
    const body: Record<string, unknown> = {};
    try {
      for await (const part of request.parts()) {
        body[part.fieldname] = part.type === 'file' ? await part.toBuffer() : part.value;
      }
    } catch (error) {
      const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
      const limit = overLimit.get(code);
      if (limit) throw limit();
      if (typeof statusCode === 'number') throw error;
      throw new DomainError(ErrorCode.BadRequest, 'The multipart body could not be read.', {
        title: 'Malformed multipart body',
      });
    }
    request.body = body;
  };
}

function tooMany(limit: string): DomainError {
  return new DomainError(ErrorCode.PayloadTooLarge, `A multipart body may carry at most ${limit}.`);
}
