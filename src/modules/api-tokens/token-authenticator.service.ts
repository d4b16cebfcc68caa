import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { hashApiToken, TOKEN_PATTERN } from '../../common/auth/api-token';
import { AuthCache } from '../../common/auth/auth-cache';
import type { AuthContext } from '../../common/auth/auth-context';
import { AuthFailureLimiter } from '../../common/auth/auth-failure-limiter';
import { isIpAllowed } from '../../common/auth/ip-allowlist';
import { extractToken } from '../../common/auth/token-extractor';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { ApiTokensRepository } from './api-tokens.repository';
import { TokenUsageRecorder } from './token-usage.recorder';

const unauthorized = (title: string, message: string) => new DomainError(ErrorCode.Unauthorized, message, { title });

@Injectable()
export class TokenAuthenticator {
  constructor(
    private readonly tokens: ApiTokensRepository,
    private readonly usage: TokenUsageRecorder,
    private readonly cache: AuthCache,
    private readonly failures: AuthFailureLimiter,
  ) {}

  /**
   * The caller of a request, as the guard and the check before a body is read both need it: a
   * 401 is counted against the client IP, and beyond AUTH_FAILURE_LIMIT_PER_MINUTE it is a 429.
   */
  async authenticateRequest(request: FastifyRequest): Promise<AuthContext> {
    try {
      return await this.authenticate(request.headers, request.ip);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.Unauthorized) {
        if (await this.failures.recordFailure(request.ip)) {
          throw new DomainError(ErrorCode.RateLimited, 'Too many failed authentication attempts from this address.', {
            headers: { 'Retry-After': '60' },
          });
        }
      }
      throw error;
    }
  }

  /** Resolves the caller or throws 401 with the reason (contract §2). */
  async authenticate(headers: IncomingHttpHeaders, ip: string): Promise<AuthContext> {
    const extracted = extractToken(headers);
    if (extracted.kind === 'missing') {
      throw unauthorized(
        'Authentication required',
        "Provide an API token as 'Authorization: Bearer <token>' or 'X-API-Key'.",
      );
    }
    if (extracted.kind === 'ambiguous') {
      throw new DomainError(
        ErrorCode.BadRequest,
        "Send the API token in one header only: 'Authorization' or 'X-API-Key', not both.",
        { title: 'Ambiguous credentials' },
      );
    }
    if (extracted.kind === 'malformed' || !TOKEN_PATTERN.test(extracted.token)) {
      throw unauthorized('Invalid token', 'The API token is malformed; expected tt_ followed by 32 characters.');
    }
    const tokenHash = hashApiToken(extracted.token);
    const token = await this.cache.getOrLoad(tokenHash, () => this.tokens.findByHashWithUser(tokenHash));
    if (!token?.user) throw unauthorized('Invalid token', 'The provided API token is invalid.');
    if (!token.isActive) throw unauthorized('Token revoked', 'This API token has been revoked.');
    if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) {
      throw unauthorized('Token expired', 'This API token has expired.');
    }
    if (token.ipAllowlist?.length && !isIpAllowed(ip, token.ipAllowlist)) {
      throw unauthorized('IP not allowed', 'This API token may not be used from this IP address.');
    }
    if (!token.user.isActive) throw unauthorized('User inactive', 'User account is inactive');

    this.usage.record(token.id, token.userId);
    return {
      tokenId: token.id,
      userId: token.userId,
      username: token.user.username,
      isAdmin: token.user.role === 'admin',
      scopes: token.scopes,
    };
  }
}
