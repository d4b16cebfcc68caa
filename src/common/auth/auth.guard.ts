import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { ErrorCode } from '../errors/error-code';
import { TokenAuthenticator } from '../../modules/api-tokens/token-authenticator.service';
import { AUTH_OPTIONS, type AuthOptions } from './authenticated.decorator';
import { IS_PUBLIC } from './public.decorator';
import { isScopeGranted, missingScope } from './scopes';

/**
 * The one global guard, deny by default: a route is reachable only if it says `@Public()` or
 * `@Authenticated({ scopes })`. Order: authenticate (401) -> scope (403) -> role (403). A request
 * with a body was authenticated before the body was read, by the same check.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: TokenAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const options = this.reflector.getAllAndOverride<AuthOptions | undefined>(AUTH_OPTIONS, targets);
    if (!options) throw new DomainError(ErrorCode.Forbidden, 'This route declares no access policy.');

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // Set already when the request carries a body (authenticate-before-body.ts).
    const auth = (request.auth ??= await this.authenticator.authenticateRequest(request));
    const missing = options.anyScope
      ? options.scopes.some((scope) => isScopeGranted(auth.scopes, scope))
        ? null
        : options.scopes[0]
      : missingScope(auth.scopes, options.scopes);
    if (missing) {
      const needed = options.anyScope ? options.scopes.map((s) => `'${s}'`).join(' or ') : `'${missing}'`;
      throw new DomainError(ErrorCode.Forbidden, `This endpoint requires the ${needed} scope`, {
        title: 'Insufficient permissions',
        extra: { required_scope: missing, available_scopes: [...auth.scopes] },
      });
    }
    if (options.adminRole && !auth.isAdmin) {
      throw new DomainError(ErrorCode.Forbidden, 'This endpoint requires a user with the admin role.', {
        title: 'Admin role required',
      });
    }
    return true;
  }
}
