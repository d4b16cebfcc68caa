import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';
import { INT4_MAX } from './validators';

/** The one spelling of an id: digits without a sign, spaces or leading zeros. */
const CANONICAL_ID = /^[1-9]\d{0,9}$/;

/**
 * Path ids are positive integers that fit their int4 column, written canonically; anything else
 * (`1 `, `01`, `+1`, `1.0`, `1e0`, `0x1`, 2^31) names no resource, so 404 (contract §1). The
 * value must be the path's own text: a number here means something converted it first.
 */
@Injectable()
export class ParseIdPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    if (typeof value !== 'string' || !CANONICAL_ID.test(value) || Number(value) > INT4_MAX) {
      throw DomainError.notFound('Resource');
    }
    return Number(value);
  }
}
