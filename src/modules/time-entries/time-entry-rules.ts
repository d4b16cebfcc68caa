import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { EARLIEST_STORABLE_MS, LATEST_STORABLE_MS } from '../../common/time/date-range';
import { parseInstant } from '../../common/time/parse-instant';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { compiledFindById } from '../../database/compiled-query';
import { ClientEntity } from '../clients/client.entity';
import { ProjectEntity } from '../projects/project.entity';
import { TaskEntity } from '../tasks/task.entity';
import { UserEntity } from '../users/user.entity';

export interface EntryRefs {
  projectId: number | null;
  clientId: number | null;
  taskId: number | null;
}

export interface ResolvedRefs {
  project: ProjectEntity | null;
  client: ClientEntity | null;
  task: TaskEntity | null;
}

/**
 * The longest entry (contract §1: 10 years of 365.25 days, 315,576,000 s). It also keeps
 * duration_seconds, a 32-bit integer on PostgreSQL, at a seventh of its range.
 */
export const MAX_ENTRY_SECONDS = 10 * 365.25 * 86_400;
const MAX_ENTRY_MS = MAX_ENTRY_SECONDS * 1000;

/** Why `date` cannot be stored, or null. */
export function instantProblem(date: Date, field: string): string | null {
  const ms = date.getTime();
  return ms >= EARLIEST_STORABLE_MS && ms <= LATEST_STORABLE_MS
    ? null
    : `${field} must be between 0001-01-01 and 9999-12-31 (UTC)`;
}

/**
 * Why an entry cannot have these times, as [field, message], or null: a completed entry ends
 * after its start and spans at most 10 years; a running entry starts within 10 years of `now`, so
 * stopping it soon books at most that (a stop is never refused, so its start is checked instead).
 */
export function spanProblem(start: Date, end: Date | null, now: Date): [string, string] | null {
  if (end === null) {
    return Math.abs(now.getTime() - start.getTime()) > MAX_ENTRY_MS
      ? ['start_time', 'start_time of a running entry must be within 10 years of now']
      : null;
  }
  const span = end.getTime() - start.getTime();
  if (!(span > 0)) return ['end_time', 'end_time must be after start_time'];
  if (span > MAX_ENTRY_MS) return ['end_time', 'end_time must be at most 10 years after start_time'];
  return null;
}

/**
 * Why an entry cannot have this break, or null (contract §12): a break lies inside the span, so it
 * is shorter than it. The span of a running entry ends at its pause, or now. Whole seconds, as
 * duration_seconds counts them; no break (0) always fits.
 */
export function breakProblem(start: Date, spanEnd: Date, breakSeconds: number): string | null {
  if (breakSeconds === 0) return null;
  const span = Math.floor((spanEnd.getTime() - start.getTime()) / 1000);
  return breakSeconds < span ? null : `break_seconds must be less than the entry's span (${Math.max(0, span)} s)`;
}

/** The rules every path that writes time entries shares (API, timer, bulk, CSV import). */
@Injectable()
export class TimeEntryRules {
  // Every write of an entry looks these up by id: statements built once (see CompiledQuery).
  private readonly users = compiledFindById(UserEntity);
  private readonly projects = compiledFindById(ProjectEntity);
  private readonly tasks = compiledFindById(TaskEntity);
  private readonly clients = compiledFindById(ClientEntity);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A timestamp from input: offsets honoured, naive values in APP_TIMEZONE. */
  instant(text: string, field: string): Date {
    const parsed = parseInstant(text, this.config.timezone);
    if (!parsed) throw DomainError.validation({ [field]: [`${field} must be an ISO 8601 date-time`] });
    const problem = instantProblem(parsed.date, field);
    if (problem) throw DomainError.validation({ [field]: [problem] });
    return parsed.date;
  }

  /** Whose entry this is: the caller, or (admins only) another existing, active user. */
  async owner(manager: EntityManager, auth: AuthContext, userId: number | undefined): Promise<UserEntity> {
    const id = userId ?? auth.userId;
    if (id !== auth.userId && !auth.isAdmin) {
      throw new DomainError(ErrorCode.Forbidden, 'Only admins can create time entries for other users.');
    }
    const user = await this.users.first(manager, { id });
    if (!user || !user.isActive) throw DomainError.notFound(`User ${id}`);
    return user;
  }

  /** project_id or client_id is required; the task must belong to the project; ids must exist. */
  async resolveRefs(manager: EntityManager, refs: EntryRefs): Promise<ResolvedRefs> {
    if (refs.projectId === null && refs.clientId === null) {
      throw DomainError.validation({
        project_id: ['project_id or client_id is required'],
        client_id: ['project_id or client_id is required'],
      });
    }
    if (refs.taskId !== null && refs.projectId === null) {
      throw DomainError.validation({ task_id: ['task_id requires project_id'] });
    }
    const project = refs.projectId === null ? null : await this.projects.first(manager, { id: refs.projectId });
    if (refs.projectId !== null && !project) throw DomainError.notFound(`Project ${refs.projectId}`);
    const task = refs.taskId === null ? null : await this.tasks.first(manager, { id: refs.taskId });
    if (refs.taskId !== null && !task) throw DomainError.notFound(`Task ${refs.taskId}`);
    if (task && project && task.projectId !== project.id) {
      throw DomainError.validation({ task_id: [`Task ${task.id} does not belong to project ${project.id}`] });
    }
    const clientId = refs.clientId ?? project?.clientId ?? null;
    const client = clientId === null ? null : await this.clients.first(manager, { id: clientId });
    if (clientId !== null && !client) throw DomainError.notFound(`Client ${clientId}`);
    return { project, client, task };
  }

  /** See spanProblem: every path that sets an entry's start or end checks it. */
  assertSpan(start: Date, end: Date | null, now = new Date()): void {
    const problem = spanProblem(start, end, now);
    if (problem) throw DomainError.validation({ [problem[0]]: [problem[1]] });
  }

  /** See breakProblem. */
  assertBreak(start: Date, spanEnd: Date, breakSeconds: number): void {
    const problem = breakProblem(start, spanEnd, breakSeconds);
    if (problem) throw DomainError.validation({ break_seconds: [problem] });
  }

  overlap(): DomainError {
    return new DomainError(
      ErrorCode.TimeOverlap,
      'This time overlaps one of your existing entries; choose another range or edit that entry.',
    );
  }

  timerRunning(): DomainError {
    return new DomainError(
      ErrorCode.TimerAlreadyRunning,
      'A timer is already running; stop it before starting another.',
    );
  }
}
