import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../errors/error-response.dto';
import type { Scope } from './scopes';

export const AUTH_OPTIONS = 'auth:options';

export interface AuthOptions {
  /** Every one of these must be granted to the token (or any one of them, with `anyScope`). */
  scopes: Scope[];
  /** Any one of `scopes` suffices (inventory accepts its own scopes or the projects ones). */
  anyScope?: boolean;
  /** Also require a user with the admin role (admin endpoints). */
  adminRole?: boolean;
}

/** The whole auth API of a route: what the guard enforces, documented in OpenAPI at the same time. */
export function Authenticated(options: AuthOptions) {
  return applyDecorators(
    SetMetadata(AUTH_OPTIONS, options),
    ApiBearerAuth('bearer'),
    ApiSecurity('api_key'),
    ApiExtension('x-required-scopes', options.scopes),
    ...(options.adminRole ? [ApiExtension('x-admin-role', true)] : []),
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'Missing, invalid, revoked or expired token' }),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'Missing scope or role' }),
  );
}
