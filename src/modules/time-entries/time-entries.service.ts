import { Inject, Injectable } from '@nestjs/common';
import { exclusiveEnd } from '../../common/time/date-range';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { assertIfMatch } from '../../common/http/conditional';
import { ErrorCode } from '../../common/errors/error-code';
import { pageRequest, paginate } from '../../common/pagination/paginate';
import { isUniqueViolation } from '../../database/db-errors';
import { TransactionService } from '../../database/transaction.service';
import type { CreateTimeEntryDto } from './dto/create-time-entry.dto';
import type { ListTimeEntriesQueryDto } from './dto/list-time-entries-query.dto';
import type { UpdateTimeEntryDto } from './dto/update-time-entry.dto';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { ChangeLog } from '../changes/change-log';
import { type TimeEntryListFilter, TimeEntriesRepository } from './time-entries.repository';
import { TIME_ENTRY_SORTS, TIME_ENTRY_SORTS_WITH_RUNNING } from './time-entry.sorts';
import { type EntryRefs, TimeEntryRules } from './time-entry-rules';
import { TimeEntryEntity, type TimeEntrySource } from './time-entry.entity';
import {
  durationBetween,
  normaliseTags,
  timeEntryChange,
  timeEntryTag,
  timeEntryTagSource,
  toTimeEntryResponse,
  workedSeconds,
} from './time-entry.mapper';

/** The filter parameters of the list and of its export. */
export type TimeEntryFilterQuery = Pick<
  ListTimeEntriesQueryDto,
  'user_id' | 'project_id' | 'start_date' | 'end_date' | 'billable' | 'include_active' | 'updated_since'
>;

export interface NewEntry extends Partial<EntryRefs> {
  userId?: number;
  start: Date;
  end: Date | null;
  /** Seconds of break inside the span (0 when absent). */
  breakSeconds?: number;
  notes?: string | null;
  tags?: string | null;
  billable?: boolean;
  paid?: boolean;
  invoiceNumber?: string | null;
  source: TimeEntrySource;
  /** The timer refuses an archived project (checked on the row the transaction reads anyway). */
  activeProjectOnly?: boolean;
  /** The webhook event recorded with the entry. */
  event: 'time_entry.created' | 'timer.started';
}

@Injectable()
export class TimeEntriesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly entries: TimeEntriesRepository,
    private readonly rules: TimeEntryRules,
    private readonly transactions: TransactionService,
    private readonly outbox: WebhookOutbox,
    private readonly changes: ChangeLog,
  ) {}

  async listTimeEntries(auth: AuthContext, query: ListTimeEntriesQueryDto) {
    const filter = this.listFilter(auth, query);
    const sorts = query.include_active ? TIME_ENTRY_SORTS_WITH_RUNNING : TIME_ENTRY_SORTS;
    const request = pageRequest(query, sorts.order(query.sort));
    const [rows, count] = await this.entries.list(filter, request);
    const now = new Date();
    return paginate('time_entries', request, rows, count, (e) => toTimeEntryResponse(e, now));
  }

  /** The list's filters, which its export shares: a non-admin reads their own entries only. */
  listFilter(auth: AuthContext, query: TimeEntryFilterQuery): TimeEntryListFilter {
    if (query.user_id !== undefined && query.user_id !== auth.userId && !auth.isAdmin) {
      throw new DomainError(ErrorCode.Forbidden, "Only admins can read other users' time entries.");
    }
    return {
      userId: auth.isAdmin ? query.user_id : auth.userId,
      projectId: query.project_id,
      from: query.start_date ? this.rules.instant(query.start_date, 'start_date') : undefined,
      toExclusive: query.end_date ? exclusiveEnd(query.end_date, this.config.timezone, 'end_date') : undefined,
      billable: query.billable,
      includeActive: query.include_active ?? false,
      updatedSince: query.updated_since ? this.rules.instant(query.updated_since, 'updated_since') : undefined,
    };
  }

  async getTimeEntry(auth: AuthContext, id: number) {
    const entry = await this.findVisible(auth, id);
    return { etag: timeEntryTag(entry), body: { time_entry: toTimeEntryResponse(entry) } };
  }

  async createTimeEntry(auth: AuthContext, dto: CreateTimeEntryDto) {
    const start = this.rules.instant(dto.start_time, 'start_time');
    const end = dto.end_time ? this.rules.instant(dto.end_time, 'end_time') : null;
    const entry = await this.create(auth, {
      userId: dto.user_id,
      projectId: dto.project_id ?? null,
      clientId: dto.client_id ?? null,
      taskId: dto.task_id ?? null,
      start,
      end,
      breakSeconds: dto.break_seconds,
      notes: dto.notes,
      tags: dto.tags,
      billable: dto.billable,
      paid: dto.paid,
      invoiceNumber: dto.invoice_number,
      source: end ? 'manual' : 'timer',
      event: 'time_entry.created',
    });
    return { message: 'Time entry created successfully', time_entry: toTimeEntryResponse(entry) };
  }

  /** Creates one entry under every rule; a running entry when `end` is null. Returns it with its relations. */
  async create(auth: AuthContext, input: NewEntry): Promise<TimeEntryEntity> {
    this.rules.assertSpan(input.start, input.end);
    const breakSeconds = input.breakSeconds ?? 0;
    this.rules.assertBreak(input.start, input.end ?? new Date(), breakSeconds);
    try {
      return await this.transactions.run(auth, async (manager) => {
        const owner = await this.rules.owner(manager, auth, input.userId);
        const refs = await this.rules.resolveRefs(manager, {
          projectId: input.projectId ?? null,
          clientId: input.clientId ?? null,
          taskId: input.taskId ?? null,
        });
        if (input.activeProjectOnly && refs.project?.status === 'archived') {
          throw DomainError.validation({ project_id: [`Project ${refs.project.id} is archived`] });
        }
        await this.entries.lockUser(manager, owner.id);
        if (input.end === null) {
          if (await this.entries.hasRunning(owner.id, manager)) throw this.rules.timerRunning();
        } else if (!auth.isAdmin && (await this.entries.overlaps(manager, owner.id, input.start, input.end))) {
          throw this.rules.overlap();
        }
        const now = new Date();
        const entry = Object.assign(new TimeEntryEntity(), {
          userId: owner.id,
          projectId: refs.project?.id ?? null,
          clientId: refs.client?.id ?? null,
          taskId: refs.task?.id ?? null,
          startTime: input.start,
          endTime: input.end,
          durationSeconds: input.end ? workedSeconds(input.start, input.end, breakSeconds) : null,
          breakSeconds,
          pausedAt: null,
          notes: emptyToNull(input.notes),
          tags: normaliseTags(input.tags),
          source: input.source,
          billable: input.billable ?? true,
          paid: input.paid ?? false,
          invoiceNumber: emptyToNull(input.invoiceNumber),
          createdAt: now,
          updatedAt: now,
        });
        const saved = await this.entries.insert(entry, manager);
        // The relations are already loaded: no re-read of the row (it would run under the user's lock).
        Object.assign(saved, { user: owner, project: refs.project, client: refs.client, task: refs.task });
        const data = toTimeEntryResponse(saved);
        await this.outbox.emit(manager, input.event, auth, data);
        await this.changes.record(manager, auth, timeEntryChange(saved, 'created', data));
        return saved;
      });
    } catch (error) {
      // The partial unique index: another request started a running entry first.
      if (isUniqueViolation(error)) throw this.rules.timerRunning();
      throw error;
    }
  }

  async updateTimeEntry(auth: AuthContext, id: number, dto: UpdateTimeEntryDto, ifMatch?: string) {
    const saved = await this.transactions.run(auth, async (manager) => {
      const current = await this.findVisible(auth, id, manager);
      await this.entries.lockUser(manager, current.userId);
      const entry = await this.findVisible(auth, id, manager);
      await assertIfMatch(ifMatch, () => timeEntryTagSource(entry));
      this.assertFresh(entry, dto.if_updated_at);
      await this.applyRefs(manager, entry, dto);
      const start = dto.start_time ? this.rules.instant(dto.start_time, 'start_time') : entry.startTime;
      const end = dto.end_time ? this.rules.instant(dto.end_time, 'end_time') : entry.endTime;
      const timesChanged = start.getTime() !== entry.startTime.getTime() || end?.getTime() !== entry.endTime?.getTime();
      // Only new times are judged: an edit of the notes never fails on times the entry already has.
      if (timesChanged) this.rules.assertSpan(start, end);
      if (
        end &&
        timesChanged &&
        !auth.isAdmin &&
        (await this.entries.overlaps(manager, entry.userId, start, end, entry.id))
      ) {
        throw this.rules.overlap();
      }
      let breakSeconds = dto.break_seconds ?? entry.breakSeconds;
      if (end && entry.pausedAt) {
        // Stopping a paused timer by setting its end: the pause up to the end is break (as a stop's is).
        if (dto.break_seconds === undefined) breakSeconds += durationBetween(entry.pausedAt, end);
        entry.pausedAt = null;
      }
      if (timesChanged || dto.break_seconds !== undefined) {
        this.rules.assertBreak(start, end ?? entry.pausedAt ?? new Date(), breakSeconds);
      }
      entry.startTime = start;
      entry.endTime = end;
      entry.breakSeconds = breakSeconds;
      entry.durationSeconds = end ? workedSeconds(start, end, breakSeconds) : null;
      if (dto.notes !== undefined) entry.notes = emptyToNull(dto.notes);
      if (dto.tags !== undefined) entry.tags = normaliseTags(dto.tags);
      if (dto.billable !== undefined) entry.billable = dto.billable;
      if (dto.paid !== undefined) entry.paid = dto.paid;
      if (dto.invoice_number !== undefined) entry.invoiceNumber = emptyToNull(dto.invoice_number);
      entry.updatedAt = new Date();
      await this.entries.save(entry, manager);
      // Read back with its relations, as GET shows it: the events' data and the answer.
      const reloaded = (await this.entries.reload(entry.id, manager))!;
      const data = toTimeEntryResponse(reloaded);
      await this.outbox.emit(manager, 'time_entry.updated', auth, data);
      await this.changes.record(manager, auth, timeEntryChange(entry, 'updated', data));
      return reloaded;
    });
    return {
      etag: timeEntryTag(saved),
      body: { message: 'Time entry updated successfully', time_entry: toTimeEntryResponse(saved) },
    };
  }

  async deleteTimeEntry(auth: AuthContext, id: number, ifMatch?: string) {
    await this.transactions.run(auth, async (manager) => {
      // Read again under the owner's lock, which every write of the entry takes (as updates do).
      const current = await this.findVisible(auth, id, manager);
      await this.entries.lockUser(manager, current.userId);
      const entry = await this.findVisible(auth, id, manager);
      await assertIfMatch(ifMatch, () => timeEntryTagSource(entry));
      if (entry.endTime === null) {
        throw new DomainError(ErrorCode.Conflict, 'This entry is running; stop the timer before deleting it.');
      }
      await this.entries.delete([entry.id], manager);
      await this.outbox.emit(manager, 'time_entry.deleted', auth, toTimeEntryResponse(entry));
      await this.changes.record(manager, auth, timeEntryChange(entry, 'deleted'));
    });
    return { message: 'Time entry deleted successfully' };
  }

  /** project/client/task after the update, checked like on create. */
  private async applyRefs(manager: EntityManager, entry: TimeEntryEntity, dto: UpdateTimeEntryDto): Promise<void> {
    if (dto.project_id === undefined && dto.client_id === undefined && dto.task_id === undefined) return;
    const projectChanged = dto.project_id !== undefined && dto.project_id !== entry.projectId;
    const refs = await this.rules.resolveRefs(manager, {
      projectId: dto.project_id !== undefined ? dto.project_id : entry.projectId,
      // A new project brings its own client unless one is given.
      clientId: dto.client_id !== undefined ? dto.client_id : projectChanged ? null : entry.clientId,
      // A new project drops a task of the old one unless a task is given.
      taskId: dto.task_id !== undefined ? dto.task_id : projectChanged ? null : entry.taskId,
    });
    // Relation objects and ids together: TypeORM's save prefers a loaded relation over its column.
    entry.project = refs.project;
    entry.projectId = refs.project?.id ?? null;
    entry.client = refs.client;
    entry.clientId = refs.client?.id ?? null;
    entry.task = refs.task;
    entry.taskId = refs.task?.id ?? null;
  }

  /** The body's `if_updated_at` guard (the `If-Match` header is checked like every resource's). */
  private assertFresh(entry: TimeEntryEntity, ifUpdatedAt: string | undefined): void {
    if (ifUpdatedAt !== undefined) {
      // updated_at is serialised to the second, so a read value matches within that second.
      const seen = this.rules.instant(ifUpdatedAt, 'if_updated_at');
      if (Math.abs(entry.updatedAt.getTime() - seen.getTime()) >= 1000) throw stale();
    }
  }

  private async findVisible(auth: AuthContext, id: number, manager?: EntityManager): Promise<TimeEntryEntity> {
    const entry = await this.entries.findVisibleById(auth, id, manager);
    if (!entry) throw DomainError.notFound(`Time entry ${id}`);
    return entry;
  }
}

function stale(): DomainError {
  return new DomainError(ErrorCode.Conflict, 'The time entry changed since you read it; fetch it again and retry.');
}

function emptyToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
