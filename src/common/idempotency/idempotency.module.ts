import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { IdempotencyResponseEntity } from './idempotency-response.entity';
import { IdempotencyStore } from './idempotency.store';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([IdempotencyKeyEntity, IdempotencyResponseEntity])],
  providers: [IdempotencyStore],
  exports: [IdempotencyStore],
})
export class IdempotencyModule {}
