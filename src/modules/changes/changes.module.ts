import { Global, Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module';
import { ChangeLog } from './change-log';
import { ChangesController } from './changes.controller';
import { ChangesRepository } from './changes.repository';
import { ChangesService } from './changes.service';

/** Global so every domain service can record its writes without module cycles. */
@Global()
@Module({
  imports: [SettingsModule],
  controllers: [ChangesController],
  providers: [ChangeLog, ChangesRepository, ChangesService],
  exports: [ChangeLog, ChangesService],
})
export class ChangesModule {}
