import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { DomainError, type FieldErrors } from '../errors/domain-error';
import { UNKNOWN_PARAMETER } from '../errors/validation.pipe';

/**
 * Query parameters on a route that reads none are refused like any unknown one (contract §10):
 * 400 `validation_error`, `errors.<param> = ["Unknown parameter."]`. A route with a `@Query()`
 * DTO is left to the validation pipe, which refuses what its DTO does not declare. Runs after the
 * guards (401, 403 and 429 come first) and before the idempotency interceptor (no key is touched).
 */
@Injectable()
export class StrictQueryInterceptor implements NestInterceptor {
  private readonly readsQuery = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const query = context.switchToHttp().getRequest<FastifyRequest>().query;
    const names = typeof query === 'object' && query !== null ? Object.keys(query) : [];
    if (names.length > 0 && !this.handlerReadsQuery(context)) {
      // No prototype, so that a `__proto__` parameter is named like any other.
      const errors = Object.create(null) as FieldErrors;
      for (const name of names) errors[name] = [UNKNOWN_PARAMETER];
      throw DomainError.validation(errors);
    }
    return next.handle();
  }

  private handlerReadsQuery(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let reads = this.readsQuery.get(handler);
    if (reads === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as object;
      reads = Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.QUERY}:`));
      this.readsQuery.set(handler, reads);
    }
    return reads;
  }
}
