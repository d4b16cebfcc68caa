import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { toIsoUtc } from '../../common/time/iso';
import { SQLITE_ROWS_PER_STATEMENT } from '../../database/rows-relation';
import type { WebhookEventType } from './webhook-events';
import { WebhookEventEntity } from './webhook.entities';

/**
 * Services record events here inside the transaction of the change they describe: the event
 * exists if and only if the change committed. Nothing is sent during the request.
 */
@Injectable()
export class WebhookOutbox {
  async emit(manager: EntityManager, type: WebhookEventType, actor: AuthContext, data: unknown): Promise<void> {
    await this.emitEach(manager, type, actor, [data]);
  }

  /** One event per item, in order, inserted together (a bulk change of 1,000 rows: 2 statements). */
  async emitEach(manager: EntityManager, type: WebhookEventType, actor: AuthContext, items: unknown[]): Promise<void> {
    const now = new Date();
    const events = items.map((data) => {
      const eventId = `evt_${randomBytes(12).toString('hex')}`;
      const payload = JSON.stringify({
        id: eventId,
        event_type: type,
        timestamp: toIsoUtc(now),
        user: { id: actor.userId, username: actor.username },
        data,
      });
      return { eventId, eventType: type, payload, createdAt: now, dispatchedAt: null };
    });
    // 5 parameters a row: as many rows a statement as any other multi-row write on SQLite.
    for (let start = 0; start < events.length; start += SQLITE_ROWS_PER_STATEMENT) {
      await manager.insert(WebhookEventEntity, events.slice(start, start + SQLITE_ROWS_PER_STATEMENT));
    }
  }
}
