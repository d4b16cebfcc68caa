import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { ApiPaginatedResponse } from '../../common/pagination/api-paginated-response.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { ClientsService } from './clients.service';
import { ClientEnvelopeDto, ClientResponseDto } from './dto/client-response.dto';
import { CreateClientDto } from './dto/create-client.dto';
import { ListClientsQueryDto } from './dto/list-clients-query.dto';
import { UpdateClientDto } from './dto/update-client.dto';
import { Conditional, IfMatch } from '../../common/http/conditional';
import { CreatedLocation } from '../../common/http/location';

@ApiTags('Clients')
@Controller('clients')
export class ClientsController {
  constructor(private readonly service: ClientsService) {}

  @Get()
  @Authenticated({ scopes: ['read:clients'] })
  @ApiPaginatedResponse('clients', ClientResponseDto)
  listClients(@Query() query: ListClientsQueryDto) {
    return this.service.listClients(query);
  }

  @Get(':id')
  @Conditional('client')
  @Authenticated({ scopes: ['read:clients'] })
  @ApiOkResponse({ type: ClientEnvelopeDto })
  getClient(@Param('id', ParseIdPipe) id: number) {
    return this.service.getClient(id);
  }

  @Post()
  @CreatedLocation('clients', 'client.id')
  @Authenticated({ scopes: ['write:clients'] })
  @ApiCreatedResponse({ type: ClientEnvelopeDto })
  createClient(@CurrentAuth() auth: AuthContext, @Body() dto: CreateClientDto) {
    return this.service.createClient(auth, dto);
  }

  @Put(':id')
  @Conditional('client')
  @Authenticated({ scopes: ['write:clients'] })
  @ApiOkResponse({ type: ClientEnvelopeDto })
  replaceClient(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateClientDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateClient(auth, id, dto, ifMatch);
  }

  @Patch(':id')
  @Conditional('client')
  @Authenticated({ scopes: ['write:clients'] })
  @ApiOkResponse({ type: ClientEnvelopeDto })
  updateClient(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateClientDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateClient(auth, id, dto, ifMatch);
  }

  @Delete(':id')
  @Conditional('client')
  @Authenticated({ scopes: ['write:clients'] })
  @ApiOkResponse({ type: ClientEnvelopeDto, description: 'Deactivated (status inactive)' })
  deactivateClient(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.deactivateClient(auth, id, ifMatch);
  }
}
