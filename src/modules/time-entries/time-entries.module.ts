import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TimeEntriesBulkService } from './time-entries-bulk.service';
import { TimeEntriesImportService } from './time-entries-import.service';
import { TimeEntriesController } from './time-entries.controller';
import { TimeEntriesRepository } from './time-entries.repository';
import { TimeEntriesService } from './time-entries.service';
import { TimeEntryRules } from './time-entry-rules';
import { TimeEntryEntity } from './time-entry.entity';

@Module({
  imports: [TypeOrmModule.forFeature([TimeEntryEntity])],
  controllers: [TimeEntriesController],
  providers: [
    TimeEntriesRepository,
    TimeEntriesService,
    TimeEntriesBulkService,
    TimeEntriesImportService,
    TimeEntryRules,
  ],
  exports: [TimeEntriesRepository, TimeEntriesService, TimeEntryRules],
})
export class TimeEntriesModule {}
