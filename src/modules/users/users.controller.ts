import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { ErrorResponseDto } from '../../common/errors/error-response.dto';
import { ApiPaginatedResponse } from '../../common/pagination/api-paginated-response.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { CreateUserDto } from './dto/create-user.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { CurrentUserEnvelopeDto, UserEnvelopeDto, UserResponseDto } from './dto/user-response.dto';
import { UsersService } from './users.service';
import { Conditional, IfMatch } from '../../common/http/conditional';
import { CreatedLocation } from '../../common/http/location';

const ADMIN = { scopes: ['admin:all' as const], adminRole: true };

@ApiTags('Users')
@Controller('users')
export class UsersController {
  constructor(private readonly service: UsersService) {}

  @Get('me')
  @Conditional('user')
  @Authenticated({ scopes: ['read:users'] })
  @ApiOkResponse({ type: CurrentUserEnvelopeDto })
  getCurrentUser(@CurrentAuth() auth: AuthContext) {
    return this.service.getCurrentUser(auth);
  }

  @Get()
  @Authenticated(ADMIN)
  @ApiPaginatedResponse('users', UserResponseDto)
  listUsers(@Query() query: ListUsersQueryDto) {
    return this.service.listUsers(query);
  }

  @Post()
  @CreatedLocation('users', 'user.id')
  @Authenticated(ADMIN)
  @ApiCreatedResponse({ type: UserEnvelopeDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Username taken' })
  createUser(@CurrentAuth() auth: AuthContext, @Body() dto: CreateUserDto) {
    return this.service.createUser(auth, dto);
  }

  @Get(':id')
  @Conditional('user')
  @Authenticated(ADMIN)
  @ApiOkResponse({ type: UserEnvelopeDto })
  getUser(@Param('id', ParseIdPipe) id: number) {
    return this.service.getUser(id);
  }

  @Patch(':id')
  @Conditional('user')
  @Authenticated(ADMIN)
  @ApiOkResponse({ type: UserEnvelopeDto })
  updateUser(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateUserDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateUser(auth, id, dto, ifMatch);
  }
}
