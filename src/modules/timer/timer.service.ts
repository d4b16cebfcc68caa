import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { TransactionService } from '../../database/transaction.service';
import { TimeEntriesRepository } from '../time-entries/time-entries.repository';
import { TimeEntriesService } from '../time-entries/time-entries.service';
import {
  durationBetween,
  timeEntryChange,
  toTimeEntryResponse,
  workedSeconds,
} from '../time-entries/time-entry.mapper';
import type { TimeEntryEntity } from '../time-entries/time-entry.entity';
import { LATEST_STORABLE_MS } from '../../common/time/date-range';
import { MAX_ENTRY_SECONDS } from '../time-entries/time-entry-rules';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { ChangeLog } from '../changes/change-log';
import type { StartTimerDto } from './dto/start-timer.dto';

/** The caller's running entry: at most one per user (a partial unique index guarantees it). */
@Injectable()
export class TimerService {
  constructor(
    private readonly entries: TimeEntriesRepository,
    private readonly timeEntries: TimeEntriesService,
    private readonly transactions: TransactionService,
    private readonly outbox: WebhookOutbox,
    private readonly changes: ChangeLog,
  ) {}

  /** Whether a timer runs, and the entry (its `paused`, `paused_at` and `break_seconds` among its fields). */
  async getTimerStatus(auth: AuthContext) {
    const running = await this.entries.findRunning(auth.userId);
    return { active: running !== null, timer: running ? toTimeEntryResponse(running) : null };
  }

  async startTimer(auth: AuthContext, dto: StartTimerDto) {
    // A stop books at least one second: a start right after one begins where it ended (no overlap).
    const now = new Date();
    const previousEnd = await this.entries.latestEndAfter(auth.userId, now);
    const entry = await this.timeEntries.create(auth, {
      projectId: dto.project_id,
      taskId: dto.task_id ?? null,
      start: previousEnd ?? now,
      end: null,
      notes: dto.notes,
      tags: dto.tags,
      billable: dto.billable,
      source: 'timer',
      activeProjectOnly: true,
      event: 'timer.started',
    });
    return { message: 'Timer started successfully', timer: toTimeEntryResponse(entry) };
  }

  async stopTimer(auth: AuthContext) {
    const entry = await this.changeRunning(auth, 'timer.stopped', (running) => {
      // Never refused: a timer that could not be stopped would run for ever (a running entry cannot
      // be deleted either). Starts never begin inside a completed entry, so this books no overlap.
      // A start older than 10 years (or in year 9999) left by versions that did not check start
      // edits books what can be stored: at most 10 years, no end past 9999.
      const start = running.startTime.getTime();
      const end = new Date(
        Math.min(Math.max(Date.now(), start + 1000), start + MAX_ENTRY_SECONDS * 1000, LATEST_STORABLE_MS),
      );
      // A paused timer stops now, and its pause up to now is break too; the break never outgrows the span.
      const paused = running.pausedAt ? durationBetween(running.pausedAt, end) : 0;
      running.breakSeconds = Math.min(running.breakSeconds + paused, durationBetween(running.startTime, end));
      running.pausedAt = null;
      running.endTime = end;
      running.durationSeconds = workedSeconds(running.startTime, end, running.breakSeconds);
    });
    return { message: 'Timer stopped successfully', time_entry: toTimeEntryResponse(entry) };
  }

  async pauseTimer(auth: AuthContext) {
    const entry = await this.changeRunning(auth, 'timer.paused', (running, now) => {
      if (running.pausedAt) throw new DomainError(ErrorCode.Conflict, 'The timer is already paused.');
      running.pausedAt = now;
    });
    return { message: 'Timer paused', timer: toTimeEntryResponse(entry) };
  }

  async resumeTimer(auth: AuthContext) {
    const entry = await this.changeRunning(auth, 'timer.resumed', (running, now) => {
      if (!running.pausedAt) throw new DomainError(ErrorCode.Conflict, 'The timer is not paused.');
      running.breakSeconds += durationBetween(running.pausedAt, now);
      running.pausedAt = null;
    });
    return { message: 'Timer resumed', timer: toTimeEntryResponse(entry) };
  }

  /**
   * Changes the caller's running entry under the user's lock (which every write of their entries
   * takes), so that concurrent pauses, resumes and stops apply one after another to the state the
   * previous one left: a pause is never counted twice nor lost. Emits `event` and logs the change.
   */
  private changeRunning(
    auth: AuthContext,
    event: 'timer.stopped' | 'timer.paused' | 'timer.resumed',
    change: (running: TimeEntryEntity, now: Date) => void,
  ): Promise<TimeEntryEntity> {
    return this.transactions.run(auth, async (manager) => {
      await this.entries.lockUser(manager, auth.userId);
      const running = await this.entries.findRunning(auth.userId, manager);
      if (!running) throw new DomainError(ErrorCode.NoActiveTimer, 'No timer is running.');
      const now = new Date();
      change(running, now);
      running.updatedAt = now;
      await this.entries.saveTimerState(running, manager);
      const data = toTimeEntryResponse(running, now);
      await this.outbox.emit(manager, event, auth, data);
      await this.changes.record(manager, auth, timeEntryChange(running, 'updated', data));
      // Loaded with its relations under the user's lock and changed only here: no re-read needed.
      return running;
    });
  }
}
