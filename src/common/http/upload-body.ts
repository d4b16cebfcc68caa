import { applyDecorators } from '@nestjs/common';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { payloadTooLarge } from './body-limits';
import { AddRouteConfig } from './route-config';

/** Raw bodies an upload route reads as bytes (contract §6); every other route refuses them. */
export const RAW_UPLOAD_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/octet-stream'];

/** Charsets read as they are: the importer decodes UTF-8 (of which US-ASCII is a subset). */
const READABLE_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * A route that takes an upload besides JSON: a multipart `file` or a raw body of one of
 * RAW_UPLOAD_TYPES, up to CSV_IMPORT_MAX_BYTES. On any other route those types are 415, unread.
 */
export function AcceptsUpload(): MethodDecorator {
  return applyDecorators(
    AddRouteConfig({ acceptsUpload: true }),
    ApiConsumes('multipart/form-data', ...RAW_UPLOAD_TYPES, 'application/json'),
  );
}

export function acceptsUpload(request: FastifyRequest): boolean {
  return request.routeOptions.config.acceptsUpload === true;
}

export function uploadNotAccepted(): DomainError {
  return new DomainError(ErrorCode.UnsupportedMediaType, 'This endpoint cannot read that content type.');
}

/**
 * The content-type parser of RAW_UPLOAD_TYPES: on an upload route, the body's bytes, refused with
 * 413 naming `limit` as soon as it is over; elsewhere 415 before a byte is read. An unknown route
 * reads nothing and answers 404.
 */
export function rawUploadParser(limit: number) {
  return (request: FastifyRequest, payload: NodeJS.ReadableStream): Promise<Buffer | undefined> => {
    if (request.is404) return Promise.resolve(undefined);
    if (!acceptsUpload(request)) return Promise.reject(uploadNotAccepted());
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
    if (charset !== undefined && !READABLE_CHARSETS.has(charset.toLowerCase())) {
      return Promise.reject(
        new DomainError(ErrorCode.UnsupportedMediaType, 'Uploads are read as UTF-8: send charset=utf-8, or none.'),
      );
    }
    if (Number(request.headers['content-length']) > limit) return Promise.reject(payloadTooLarge('The upload', limit));
    return readUpTo(payload, limit);
  };
}

function readUpTo(payload: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      payload.removeListener('data', onData);
      payload.removeListener('end', onEnd);
      payload.removeListener('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Nothing more is kept; Fastify closes the connection after the 413.
        stop();
        reject(payloadTooLarge('The upload', limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = () => {
      stop();
      // A client that went away mid-body (its socket's ECONNRESET is not a database outage).
      reject(new DomainError(ErrorCode.BadRequest, 'The request body could not be read.'));
    };
    payload.on('data', onData);
    payload.on('end', onEnd);
    payload.on('error', onError);
  });
}
