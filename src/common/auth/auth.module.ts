import { Global, Module } from '@nestjs/common';
import { AuthCache } from './auth-cache';
import { AuthFailureLimiter } from './auth-failure-limiter';

@Global()
@Module({ providers: [AuthCache, AuthFailureLimiter], exports: [AuthCache, AuthFailureLimiter] })
export class AuthModule {}
