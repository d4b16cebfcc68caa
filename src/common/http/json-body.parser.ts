import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';

export const MAX_JSON_DEPTH = 32;

/**
 * Nesting depth of a JSON text, counted without parsing (strings skipped), so a hostile
 * document is refused before any object is built.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) {
        i++;
      } // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Parses a JSON request body; empty bodies read as `undefined`. Throws DomainErrors, never SyntaxErrors. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new DomainError(ErrorCode.BadRequest, `JSON nesting deeper than ${MAX_JSON_DEPTH} levels is not accepted.`, {
      title: 'Malformed JSON',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DomainError(ErrorCode.BadRequest, 'The request body is not valid JSON.', { title: 'Malformed JSON' });
  }
}
