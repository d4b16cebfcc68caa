import { Injectable, type PipeTransform } from '@nestjs/common';
import { DomainError } from '../errors/domain-error';

const MAX_ID = 2 ** 31 - 1;

/** Path ids are positive integers; anything else names no resource, so 404 (contract §1). */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > MAX_ID) throw DomainError.notFound('Resource');
    return Number(value);
  }
}
