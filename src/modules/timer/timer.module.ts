import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { TimeEntriesModule } from '../time-entries/time-entries.module';
import { TimerController } from './timer.controller';
import { TimerService } from './timer.service';

@Module({
  imports: [TimeEntriesModule, ProjectsModule],
  controllers: [TimerController],
  providers: [TimerService],
})
export class TimerModule {}
