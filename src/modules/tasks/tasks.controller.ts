import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { ApiPaginatedResponse } from '../../common/pagination/api-paginated-response.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { MessageResponseDto } from '../../common/http/message-response.dto';
import { CreateTaskDto } from './dto/create-task.dto';
import { ListTasksQueryDto } from './dto/list-tasks-query.dto';
import { TaskEnvelopeDto, TaskResponseDto } from './dto/task-response.dto';
import { UpdateTaskDto } from './dto/update-task.dto';
import { TasksService } from './tasks.service';
import { Conditional, IfMatch } from '../../common/http/conditional';
import { CreatedLocation } from '../../common/http/location';

@ApiTags('Tasks')
@Controller('tasks')
export class TasksController {
  constructor(private readonly service: TasksService) {}

  @Get()
  @Authenticated({ scopes: ['read:tasks'] })
  @ApiPaginatedResponse('tasks', TaskResponseDto)
  listTasks(@Query() query: ListTasksQueryDto) {
    return this.service.listTasks(query);
  }

  @Get(':id')
  @Conditional('task')
  @Authenticated({ scopes: ['read:tasks'] })
  @ApiOkResponse({ type: TaskEnvelopeDto })
  getTask(@Param('id', ParseIdPipe) id: number) {
    return this.service.getTask(id);
  }

  @Post()
  @CreatedLocation('tasks', 'task.id')
  @Authenticated({ scopes: ['write:tasks'] })
  @ApiCreatedResponse({ type: TaskEnvelopeDto })
  createTask(@CurrentAuth() auth: AuthContext, @Body() dto: CreateTaskDto) {
    return this.service.createTask(auth, dto);
  }

  @Put(':id')
  @Conditional('task')
  @Authenticated({ scopes: ['write:tasks'] })
  @ApiOkResponse({ type: TaskEnvelopeDto })
  replaceTask(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateTaskDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateTask(auth, id, dto, ifMatch);
  }

  @Patch(':id')
  @Conditional('task')
  @Authenticated({ scopes: ['write:tasks'] })
  @ApiOkResponse({ type: TaskEnvelopeDto })
  updateTask(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateTaskDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateTask(auth, id, dto, ifMatch);
  }

  @Delete(':id')
  @Conditional('task')
  @Authenticated({ scopes: ['write:tasks'] })
  @ApiOkResponse({ type: MessageResponseDto })
  deleteTask(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number, @IfMatch() ifMatch?: string) {
    return this.service.deleteTask(auth, id, ifMatch);
  }
}
