import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { toIsoUtc } from '../../common/time/iso';
import type { WebhookEventType } from './webhook-events';
import { WebhookEventEntity } from './webhook.entities';

/**
 * Services record events here inside the transaction of the change they describe: the event
 * exists if and only if the change committed. Nothing is sent during the request.
 */
@Injectable()
export class WebhookOutbox {
  async emit(manager: EntityManager, type: WebhookEventType, actor: AuthContext, data: unknown): Promise<void> {
    const eventId = `evt_${randomBytes(12).toString('hex')}`;
    const now = new Date();
    const payload = JSON.stringify({
      id: eventId,
      event_type: type,
      timestamp: toIsoUtc(now),
      user: { id: actor.userId, username: actor.username },
      data,
    });
    await manager.insert(WebhookEventEntity, { eventId, eventType: type, payload, createdAt: now, dispatchedAt: null });
  }
}
