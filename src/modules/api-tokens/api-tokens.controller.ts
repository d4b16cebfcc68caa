import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { RedactOnReplay } from '../../common/idempotency/redact-on-replay.decorator';
import { ErrorResponseDto } from '../../common/errors/error-response.dto';
import { ApiPaginatedResponse } from '../../common/pagination/api-paginated-response.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { ApiTokensService } from './api-tokens.service';
import { CreateApiTokenDto } from './dto/create-api-token.dto';
import { ApiTokenEnvelopeDto, ApiTokenResponseDto, ApiTokenSecretEnvelopeDto } from './dto/api-token-response.dto';
import { ListApiTokensQueryDto } from './dto/list-api-tokens-query.dto';
import { UpdateApiTokenDto } from './dto/update-api-token.dto';
import { Conditional, IfMatch } from '../../common/http/conditional';
import { CreatedLocation } from '../../common/http/location';

const ADMIN = { scopes: ['admin:all' as const], adminRole: true };

@ApiTags('Admin: API tokens')
@Controller('admin/api-tokens')
@Authenticated(ADMIN)
export class ApiTokensController {
  constructor(private readonly service: ApiTokensService) {}

  @Get()
  @ApiPaginatedResponse('api_tokens', ApiTokenResponseDto)
  listApiTokens(@Query() query: ListApiTokensQueryDto) {
    return this.service.listApiTokens(query);
  }

  @Post()
  @CreatedLocation('admin/api-tokens', 'api_token.id')
  @RedactOnReplay('token')
  @ApiCreatedResponse({ type: ApiTokenSecretEnvelopeDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'user_id names no user' })
  createApiToken(@CurrentAuth() auth: AuthContext, @Body() dto: CreateApiTokenDto) {
    return this.service.createApiToken(auth, dto);
  }

  @Get(':id')
  @Conditional('api_token')
  @ApiOkResponse({ type: ApiTokenEnvelopeDto })
  getApiToken(@Param('id', ParseIdPipe) id: number) {
    return this.service.getApiToken(id);
  }

  @Patch(':id')
  @Conditional('api_token')
  @ApiOkResponse({ type: ApiTokenEnvelopeDto })
  updateApiToken(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateApiTokenDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateApiToken(auth, id, dto, ifMatch);
  }

  @Delete(':id')
  @Conditional('api_token')
  @ApiOkResponse({ type: ApiTokenEnvelopeDto, description: 'Revoked (kept for audit, never usable again)' })
  revokeApiToken(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number, @IfMatch() ifMatch?: string) {
    return this.service.revokeApiToken(auth, id, ifMatch);
  }

  @Post(':id/rotate')
  @HttpCode(201)
  @CreatedLocation('admin/api-tokens', 'api_token.id')
  @RedactOnReplay('token')
  @ApiCreatedResponse({ type: ApiTokenSecretEnvelopeDto })
  rotateApiToken(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number) {
    return this.service.rotateApiToken(auth, id);
  }
}
