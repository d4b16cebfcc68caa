import { Global, Module } from '@nestjs/common';
import { ListCounter } from './list-counter';

@Global()
@Module({ providers: [ListCounter], exports: [ListCounter] })
export class PaginationModule {}
