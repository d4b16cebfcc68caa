import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { ApiPaginatedResponse } from '../../common/pagination/api-paginated-response.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { CreateProjectDto } from './dto/create-project.dto';
import { ListProjectsQueryDto } from './dto/list-projects-query.dto';
import { ProjectEnvelopeDto, ProjectResponseDto } from './dto/project-response.dto';
import { UpdateProjectDto } from './dto/update-project.dto';
import { ProjectsService } from './projects.service';
import { Conditional, IfMatch } from '../../common/http/conditional';
import { CreatedLocation } from '../../common/http/location';

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
  @Conditional('project')
  @Authenticated({ scopes: ['read:projects'] })
  @ApiOkResponse({ type: ProjectEnvelopeDto })
  getProject(@Param('id', ParseIdPipe) id: number) {
    return this.service.getProject(id);
  }

  @Post()
  @CreatedLocation('projects', 'project.id')
  @Authenticated({ scopes: ['write:projects'] })
  @ApiCreatedResponse({ type: ProjectEnvelopeDto })
  createProject(@CurrentAuth() auth: AuthContext, @Body() dto: CreateProjectDto) {
    return this.service.createProject(auth, dto);
  }

  @Put(':id')
  @Conditional('project')
  @Authenticated({ scopes: ['write:projects'] })
  @ApiOkResponse({ type: ProjectEnvelopeDto })
  replaceProject(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateProjectDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateProject(auth, id, dto, ifMatch);
  }

  @Patch(':id')
  @Conditional('project')
  @Authenticated({ scopes: ['write:projects'] })
  @ApiOkResponse({ type: ProjectEnvelopeDto })
  updateProject(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateProjectDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateProject(auth, id, dto, ifMatch);
  }

  @Delete(':id')
  @Conditional('project')
  @Authenticated({ scopes: ['write:projects'] })
  @ApiOkResponse({ type: ProjectEnvelopeDto, description: 'Archived (repeatable)' })
  archiveProject(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number, @IfMatch() ifMatch?: string) {
    return this.service.archiveProject(auth, id, ifMatch);
  }
}
