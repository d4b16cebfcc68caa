import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { ApiTokenEntity } from './api-token.entity';
import { ApiTokensController } from './api-tokens.controller';
import { ApiTokensRepository } from './api-tokens.repository';
import { ApiTokensService } from './api-tokens.service';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { TokenAuthenticator } from './token-authenticator.service';
import { TokenUsageRecorder } from './token-usage.recorder';

@Module({
  imports: [TypeOrmModule.forFeature([ApiTokenEntity]), UsersModule],
  controllers: [ApiTokensController],
  providers: [ApiTokensRepository, ApiTokensService, TokenAuthenticator, TokenUsageRecorder, BootstrapAdminService],
  exports: [TokenAuthenticator, ApiTokensService],
})
export class ApiTokensModule {}
