import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { TransactionService } from '../../database/transaction.service';
import type { BulkAction, BulkTimeEntriesDto } from './dto/bulk-time-entries.dto';
import { TimeEntriesRepository } from './time-entries.repository';
import { TimeEntryEntity } from './time-entry.entity';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { ChangeLog } from '../changes/change-log';
import { normaliseTags, tagList, timeEntryChange, toTimeEntryResponse } from './time-entry.mapper';

/**
 * One transaction: every id must name an entry the caller may see (others' entries read as
 * missing), else nothing changes; running entries are skipped and listed.
 */
@Injectable()
export class TimeEntriesBulkService {
  constructor(
    private readonly entries: TimeEntriesRepository,
    private readonly transactions: TransactionService,
    private readonly outbox: WebhookOutbox,
    private readonly changes: ChangeLog,
  ) {}

  async bulkUpdateTimeEntries(auth: AuthContext, dto: BulkTimeEntriesDto) {
    const value = checkedValue(dto.action, dto.value);
    const ids = [...new Set(dto.entry_ids)];
    return this.transactions.run(auth, async (manager) => {
      const found = await this.entries.findVisibleForUpdate(auth, ids, manager);
      const seen = new Set(found.map((e) => e.id));
      const missing = ids.filter((id) => !seen.has(id));
      if (missing.length > 0) {
        throw new DomainError(ErrorCode.NotFound, `Time entries not found: ${missing.join(', ')}`, {
          extra: { missing_ids: missing },
        });
      }
      const skipped = found.filter((e) => e.endTime === null).map((e) => e.id);
      const targets = found.filter((e) => e.endTime !== null);
      const targetIds = targets.map((e) => e.id);
      const now = new Date();
      switch (dto.action) {
        case 'delete':
          await this.entries.delete(targetIds, manager);
          break;
        case 'set_billable':
        case 'set_paid':
          if (targetIds.length) {
            const field = dto.action === 'set_billable' ? 'billable' : 'paid';
            await manager.update(TimeEntryEntity, { id: In(targetIds) }, { [field]: value as boolean, updatedAt: now });
          }
          break;
        case 'add_tag':
        case 'remove_tag':
          await this.entries.setTags(
            manager,
            targets.map((entry) => {
              const tags = tagList(entry.tags).filter((t) => t.toLowerCase() !== (value as string).toLowerCase());
              if (dto.action === 'add_tag') tags.push(value as string);
              return { id: entry.id, tags: normaliseTags(tags) };
            }),
            now,
          );
          break;
      }
      if (dto.action === 'delete') {
        await this.outbox.emitEach(
          manager,
          'time_entry.deleted',
          auth,
          targets.map((entry) => toTimeEntryResponse(entry)),
        );
        await this.changes.recordEach(
          manager,
          auth,
          targets.map((e) => timeEntryChange(e, 'deleted')),
        );
      } else if (targetIds.length) {
        const updated = await this.entries.reloadMany(targetIds, manager);
        await this.outbox.emitEach(
          manager,
          'time_entry.updated',
          auth,
          updated.map((entry) => toTimeEntryResponse(entry)),
        );
        await this.changes.recordEach(
          manager,
          auth,
          updated.map((e) => timeEntryChange(e, 'updated')),
        );
      }
      return { success: true, affected: targets.length, skipped };
    });
  }
}

/** `value` per action: booleans must be booleans, tags non-empty strings without commas. */
function checkedValue(action: BulkAction, value: unknown): boolean | string | null {
  switch (action) {
    case 'delete':
      if (value !== undefined && value !== null) throw DomainError.validation({ value: ['delete takes no value'] });
      return null;
    case 'set_billable':
    case 'set_paid':
      if (typeof value !== 'boolean') throw DomainError.validation({ value: [`${action} needs a boolean value`] });
      return value;
    case 'add_tag':
    case 'remove_tag': {
      const tag = typeof value === 'string' ? value.trim() : '';
      if (!tag || tag.length > 50 || tag.includes(',')) {
        throw DomainError.validation({ value: [`${action} needs a tag: 1-50 characters, no comma`] });
      }
      return tag;
    }
  }
}
