import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { ApiPaginatedResponse } from '../../common/pagination/api-paginated-response.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { CreateProjectDto } from './dto/create-project.dto';
import { ListProjectsQueryDto } from './dto/list-projects-query.dto';
import { ProjectEnvelopeDto, ProjectResponseDto } from './dto/project-response.dto';
import { UpdateProjectDto } from './dto/update-project.dto';
import { ProjectsService } from './projects.service';

@ApiTags('Projects')
@Controller('projects')
export class ProjectsController {
  constructor(private readonly service: ProjectsService) {}

  @Get()
  @Authenticated({ scopes: ['read:projects'] })
  @ApiPaginatedResponse('projects', ProjectResponseDto)
  listProjects(@Query() query: ListProjectsQueryDto) {
    return this.service.listProjects(query);
  }

  @Get(':id')
  @Authenticated({ scopes: ['read:projects'] })
  @ApiOkResponse({ type: ProjectEnvelopeDto })
  getProject(@Param('id', ParseIdPipe) id: number) {
    return this.service.getProject(id);
  }

  @Post()
  @Authenticated({ scopes: ['write:projects'] })
  @ApiCreatedResponse({ type: ProjectEnvelopeDto })
  createProject(@Body() dto: CreateProjectDto) {
    return this.service.createProject(dto);
  }

  @Put(':id')
  @Authenticated({ scopes: ['write:projects'] })
  @ApiOkResponse({ type: ProjectEnvelopeDto })
  replaceProject(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateProjectDto) {
    return this.service.updateProject(id, dto);
  }

  @Patch(':id')
  @Authenticated({ scopes: ['write:projects'] })
  @ApiOkResponse({ type: ProjectEnvelopeDto })
  updateProject(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateProjectDto) {
    return this.service.updateProject(id, dto);
  }

  @Delete(':id')
  @Authenticated({ scopes: ['write:projects'] })
  @ApiOkResponse({ type: ProjectEnvelopeDto, description: 'Archived (repeatable)' })
  archiveProject(@Param('id', ParseIdPipe) id: number) {
    return this.service.archiveProject(id);
  }
}
