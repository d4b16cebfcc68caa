import { Module } from '@nestjs/common';
import { TimeEntriesModule } from '../time-entries/time-entries.module';
import { TimerController } from './timer.controller';
import { TimerService } from './timer.service';

@Module({
  imports: [TimeEntriesModule],
  controllers: [TimerController],
  providers: [TimerService],
})
export class TimerModule {}
