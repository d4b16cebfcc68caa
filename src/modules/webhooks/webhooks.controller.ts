import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { RedactOnReplay } from '../../common/idempotency/redact-on-replay.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { CreateWebhookDto, ListDeliveriesQueryDto, ListWebhooksQueryDto, UpdateWebhookDto } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const READ = { scopes: ['read:webhooks' as const] };
const WRITE = { scopes: ['write:webhooks' as const] };

@ApiTags('Webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly service: WebhooksService) {}

  @Get('events')
  @Authenticated(READ)
  @ApiOkResponse({ description: '{ events: [...] }' })
  listWebhookEvents() {
    return this.service.listWebhookEvents();
  }

  @Get()
  @Authenticated(READ)
  @ApiOkResponse({ description: '{ webhooks: [...], pagination }' })
  listWebhooks(@CurrentAuth() auth: AuthContext, @Query() query: ListWebhooksQueryDto) {
    return this.service.listWebhooks(auth, query);
  }

  @Post()
  @Authenticated(WRITE)
  @RedactOnReplay('secret')
  @ApiCreatedResponse({
    description: '{ message, webhook, secret } (the only time the secret is shown, with rotate-secret)',
  })
  createWebhook(@CurrentAuth() auth: AuthContext, @Body() dto: CreateWebhookDto) {
    return this.service.createWebhook(auth, dto);
  }

  @Get(':id')
  @Authenticated(READ)
  @ApiOkResponse({ description: '{ webhook }' })
  getWebhook(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number) {
    return this.service.getWebhook(auth, id);
  }

  @Put(':id')
  @Authenticated(WRITE)
  @ApiOkResponse({ description: '{ message, webhook }' })
  replaceWebhook(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateWebhookDto,
  ) {
    return this.service.updateWebhook(auth, id, dto);
  }

  @Patch(':id')
  @Authenticated(WRITE)
  @ApiOkResponse({ description: '{ message, webhook }' })
  updateWebhook(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number, @Body() dto: UpdateWebhookDto) {
    return this.service.updateWebhook(auth, id, dto);
  }

  @Delete(':id')
  @Authenticated(WRITE)
  @ApiOkResponse({ description: 'Deleted, with its deliveries' })
  deleteWebhook(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number) {
    return this.service.deleteWebhook(auth, id);
  }

  @Get(':id/deliveries')
  @Authenticated(READ)
  @ApiOkResponse({ description: '{ deliveries: [...], pagination }' })
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
  @ApiAcceptedResponse({ description: '{ message, delivery }' })
  testWebhook(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number) {
    return this.service.testWebhook(auth, id);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Authenticated(WRITE)
  @ApiAcceptedResponse({ description: '{ message, delivery }' })
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
  @RedactOnReplay('secret')
  @ApiOkResponse({ description: '{ message, webhook, secret }' })
  rotateWebhookSecret(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number) {
    return this.service.rotateWebhookSecret(auth, id);
  }
}
