import { Global, Module } from '@nestjs/common';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookOutbox } from './webhook-outbox';
import { defaultResolver, WEBHOOK_RESOLVER, WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Global so domain services can record events through the outbox without module cycles. */
@Global()
@Module({
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhookOutbox,
    WebhookSender,
    WebhookDispatcher,
    { provide: WEBHOOK_RESOLVER, useValue: defaultResolver },
  ],
  exports: [WebhookOutbox],
})
export class WebhooksModule {}
