import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';

/**
 * A `preValidation` hook: a multipart body becomes `{ field: value }`, each file as its bytes,
 * as @fastify/multipart's `attachFieldsToBody: 'keyValues'` does, but a body the parser cannot
 * read (no boundary, truncated, malformed part headers) is a 400 `bad_request`: the plugin rethrows
 * the parser's own errors, which carry no status and answered 500. Its limit errors keep their
 * status (413).
 */
export async function attachMultipartBody(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, unknown> = {};
  try {
    for await (const part of request.parts()) {
      body[part.fieldname] = part.type === 'file' ? await part.toBuffer() : part.value;
    }
  } catch (error) {
    if (typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
    throw new DomainError(ErrorCode.BadRequest, 'The multipart body could not be read.', {
      title: 'Malformed multipart body',
    });
  }
  request.body = body;
}
