import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { ChangesService } from './changes.service';
import { ChangesPageDto } from './dto/change-response.dto';
import { ListChangesQueryDto } from './dto/list-changes-query.dto';

@ApiTags('Changes')
@Controller('changes')
export class ChangesController {
  constructor(private readonly service: ChangesService) {}

  @Get()
  @Authenticated({
    scopes: ['read:projects', 'read:clients', 'read:tasks', 'read:time_entries', 'read:webhooks', 'read:inventory'],
    anyScope: true,
  })
  @ApiOkResponse({ type: ChangesPageDto })
  listChanges(@CurrentAuth() auth: AuthContext, @Query() query: ListChangesQueryDto) {
    return this.service.listChanges(auth, query);
  }
}
