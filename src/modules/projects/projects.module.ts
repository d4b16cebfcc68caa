import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { ProjectHoursReader } from './project-hours.reader';
import { ProjectEntity } from './project.entity';
import { ProjectsController } from './projects.controller';
import { ProjectsRepository } from './projects.repository';
import { ProjectsService } from './projects.service';

@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity]), ClientsModule],
  controllers: [ProjectsController],
  providers: [ProjectsRepository, ProjectsService, ProjectHoursReader],
  exports: [ProjectsRepository, ProjectsService],
})
export class ProjectsModule {}
