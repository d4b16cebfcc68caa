import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { Conditional, IfMatch } from '../../common/http/conditional';
import { RedactOnReplay } from '../../common/idempotency/redact-on-replay.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { CreateWebhookDto, ListDeliveriesQueryDto, ListWebhooksQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';
import { MessageResponseDto } from '../../common/http/message-response.dto';
import {
  DeliveryEnvelopeDto,
  DeliveryListDto,
  RotatedWebhookSecretEnvelopeDto,
  WebhookEnvelopeDto,
  WebhookEventsDto,
  WebhookListDto,
  WebhookSecretEnvelopeDto,
} from './dto/webhook-responses.dto';
import { CreatedLocation } from '../../common/http/location';

const READ = { scopes: ['read:webhooks' as const] };
const WRITE = { scopes: ['write:webhooks' as const] };

@ApiTags('Webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly service: WebhooksService) {}

  @Get('events')
  @Authenticated(READ)
  @ApiOkResponse({ type: WebhookEventsDto })
  listWebhookEvents() {
    return this.service.listWebhookEvents();
  }

  @Get()
  @Authenticated(READ)
  @ApiOkResponse({ type: WebhookListDto })
  listWebhooks(@CurrentAuth() auth: AuthContext, @Query() query: ListWebhooksQueryDto) {
    return this.service.listWebhooks(auth, query);
  }

  @Post()
  @CreatedLocation('webhooks', 'webhook.id')
  @Authenticated(WRITE)
  @RedactOnReplay('secret', 'webhook.secret')
  @ApiCreatedResponse({ type: WebhookSecretEnvelopeDto })
  createWebhook(@CurrentAuth() auth: AuthContext, @Body() dto: CreateWebhookDto) {
    return this.service.createWebhook(auth, dto);
  }

  @Get(':id')
  @Conditional('webhook')
  @Authenticated(READ)
  @ApiOkResponse({ type: WebhookEnvelopeDto })
  getWebhook(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number) {
    return this.service.getWebhook(auth, id);
  }

  @Put(':id')
  @Conditional('webhook')
  @Authenticated(WRITE)
  @ApiOkResponse({ type: WebhookEnvelopeDto })
  replaceWebhook(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateWebhookDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateWebhook(auth, id, dto, ifMatch);
  }

  @Patch(':id')
  @Conditional('webhook')
  @Authenticated(WRITE)
  @ApiOkResponse({ type: WebhookEnvelopeDto })
  updateWebhook(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateWebhookDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateWebhook(auth, id, dto, ifMatch);
  }

  @Delete(':id')
  @Conditional('webhook')
  @Authenticated(WRITE)
  @ApiOkResponse({ type: MessageResponseDto, description: 'Deleted, with its deliveries' })
  deleteWebhook(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number, @IfMatch() ifMatch?: string) {
    return this.service.deleteWebhook(auth, id, ifMatch);
  }

  @Get(':id/deliveries')
  @Authenticated(READ)
  @ApiOkResponse({ type: DeliveryListDto })
  listWebhookDeliveries(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Query() query: ListDeliveriesQueryDto,
  ) {
    return this.service.listWebhookDeliveries(auth, id, query);
  }

  @Post(':id/test')
  @HttpCode(202)
  @Authenticated(WRITE)
  @ApiAcceptedResponse({ type: DeliveryEnvelopeDto })
  testWebhook(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number) {
    return this.service.testWebhook(auth, id);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Authenticated(WRITE)
  @ApiAcceptedResponse({ type: DeliveryEnvelopeDto })
  redeliverWebhookDelivery(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Param('deliveryId', ParseIdPipe) deliveryId: number,
  ) {
    return this.service.redeliverWebhookDelivery(auth, id, deliveryId);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Authenticated(WRITE)
  @RedactOnReplay('secret', 'webhook.secret')
  @ApiOkResponse({ type: RotatedWebhookSecretEnvelopeDto })
  rotateWebhookSecret(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number) {
    return this.service.rotateWebhookSecret(auth, id);
  }
}
