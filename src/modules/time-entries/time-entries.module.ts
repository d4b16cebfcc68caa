import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { ProjectsModule } from '../projects/projects.module';
import { TasksModule } from '../tasks/tasks.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TimeEntriesBulkService } from './time-entries-bulk.service';
import { TimeEntriesExportService } from './time-entries-export.service';
import { TimeEntriesImportService } from './time-entries-import.service';
import { TimeEntriesController } from './time-entries.controller';
import { TimeEntriesRepository } from './time-entries.repository';
import { TimeEntriesService } from './time-entries.service';
import { TimeEntryRules } from './time-entry-rules';
import { TimeEntryEntity } from './time-entry.entity';

@Module({
  // Projects, clients and tasks: a CSV import with create_missing creates those it names.
  imports: [TypeOrmModule.forFeature([TimeEntryEntity]), ClientsModule, ProjectsModule, TasksModule],
  controllers: [TimeEntriesController],
  providers: [
    TimeEntriesRepository,
    TimeEntriesService,
    TimeEntriesBulkService,
    TimeEntriesImportService,
    TimeEntriesExportService,
    TimeEntryRules,
  ],
  exports: [TimeEntriesRepository, TimeEntriesService, TimeEntryRules],
})
export class TimeEntriesModule {}
