import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { CsvError, parse } from 'csv-parse';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { parseInstant } from '../../common/time/parse-instant';
import { TimeSlice } from '../../common/time/time-slice';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { TransactionService } from '../../database/transaction.service';
import { ClientEntity } from '../clients/client.entity';
import { ProjectEntity } from '../projects/project.entity';
import { TaskEntity } from '../tasks/task.entity';
import { breakSeconds, csvBytes, detectDelimiter, durationSeconds, normaliseHeader, parseFlag } from './csv/csv-input';
import { type DateFormat, isoDate, isoTime } from './csv/tracker-times';
import { missingScope } from '../../common/auth/scopes';
import { unquoteCell } from '../../common/csv/spreadsheet-cell';
import { ClientsService } from '../clients/clients.service';
import { ProjectsService } from '../projects/projects.service';
import { TasksService } from '../tasks/tasks.service';
import type { ImportCsvResultDto, ImportRowErrorDto } from './dto/import-csv.dto';
import { normaliseTags, timeEntryChange, workedSeconds } from './time-entry.mapper';
import { ChangeLog } from '../changes/change-log';
import { breakProblem, instantProblem, MAX_ENTRY_SECONDS, spanProblem } from './time-entry-rules';
import { type NewTimeEntry, TimeEntriesRepository } from './time-entries.repository';

const BATCH_SIZE = 500;
/** Rows per INSERT: SQLite runs a statement synchronously, and 200 rows stay within a time slice. */
const INSERT_ROWS = 200;
const MAX_REPORTED_ERRORS = 1000;
/** The parser reads a chunk at once, synchronously: 16 KiB is some 300 rows. */
const CHUNK_BYTES = 16 * 1024;

type Row = Record<string, string | undefined>;
interface Candidate {
  row: number;
  entry: NewTimeEntry;
}

export interface ImportOptions {
  atomic: boolean;
  dryRun: boolean;
  /** The zone of naive date-times and of separate date and time columns (default APP_TIMEZONE). */
  timeZone?: string;
  /** How date columns are written (other trackers' separate date columns). */
  dateFormat?: DateFormat;
  /** Create the clients, projects and tasks named but not found (needs write:projects too). */
  createMissing?: boolean;
}

/** What the import carries from row to row and batch to batch. */
interface ImportState {
  readonly manager: EntityManager;
  readonly auth: AuthContext;
  readonly lookups: Lookups;
  readonly timeZone: string;
  readonly dateFormat: DateFormat;
  /** The header has a start_date column: start_time and end_time are times of day (other trackers). */
  splitDates: boolean;
  readonly report: RowErrors;
  readonly slice: TimeSlice;
  /** Bounds the overlap search (completedRanges' `since`): the user's longest completed entry, this import's included. */
  longestMs: number;
}

/** Thrown inside the transaction to roll it back while keeping the report. */
class Rollback extends Error {
  constructor(readonly result: ImportCsvResultDto) {
    super('rollback');
  }
}

/**
 * CSV import: the bytes are streamed through the parser and rows are validated and inserted in
 * batches inside one transaction, so the rows are never all in memory as objects. Atomic mode
 * rolls everything back when any row fails; a dry run always rolls back. The work yields to the
 * event loop every few milliseconds (TimeSlice): on SQLite every statement is synchronous, and a
 * 50k-row import held the process for seconds.
 */
@Injectable()
export class TimeEntriesImportService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly entries: TimeEntriesRepository,
    private readonly transactions: TransactionService,
    private readonly changes: ChangeLog,
    private readonly clients: ClientsService,
    private readonly projects: ProjectsService,
    private readonly tasks: TasksService,
  ) {}

  async importTimeEntries(
    auth: AuthContext,
    body: unknown,
    options: ImportOptions,
  ): Promise<{ status: number; body: ImportCsvResultDto }> {
    if (options.createMissing) assertMayCreate(auth);
    const bytes = csvBytes(body);
    if (bytes.length > this.config.csvImport.maxBytes) {
      throw new DomainError(ErrorCode.PayloadTooLarge, `The CSV exceeds ${this.config.csvImport.maxBytes} bytes.`);
    }
    let result: ImportCsvResultDto;
    try {
      result = await this.transactions.run(auth, async (manager) => {
        const report = await this.process(manager, auth, bytes, options);
        if (options.dryRun || (options.atomic && report.failed > 0)) throw new Rollback(report);
        return report;
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      result = error.result;
    }
    if (options.dryRun) return { status: 200, body: result };
    if (options.atomic && result.failed > 0) return { status: 422, body: { ...result, created: 0 } };
    return { status: result.created > 0 ? 201 : 200, body: result };
  }

  private async process(
    manager: EntityManager,
    auth: AuthContext,
    bytes: Buffer,
    options: ImportOptions,
  ): Promise<ImportCsvResultDto> {
    // Serialises this user's writes (overlap checks) on PostgreSQL.
    await this.entries.lockUser(manager, auth.userId);
    const creator = options.createMissing
      ? { auth, clients: this.clients, projects: this.projects, tasks: this.tasks }
      : null;
    const report = new RowErrors();
    // Read under the lock: no other write of the user's can make a longer entry until the commit.
    const longestMs = auth.isAdmin ? 0 : (await this.entries.longestCompletedSeconds(manager, auth.userId)) * 1000;
    const state: ImportState = {
      manager,
      auth,
      lookups: new Lookups(manager, creator),
      timeZone: options.timeZone ?? this.config.timezone,
      dateFormat: options.dateFormat ?? 'YYYY-MM-DD',
      splitDates: false,
      report,
      slice: new TimeSlice(),
      longestMs,
    };
    let created = 0;
    let rows = 0;
    let batch: Candidate[] = [];
    const flush = async () => {
      created += await this.insertBatch(state, batch);
      batch = [];
    };

    const parser = Readable.from(chunks(bytes)).pipe(
      parse({
        bom: true,
        delimiter: detectDelimiter(bytes),
        columns: normaliseHeader,
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
        max_record_size: 64 * 1024,
        info: true,
      }),
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: Row; info: { lines: number } }>) {
        if (++rows > this.config.csvImport.maxRows) {
          throw new DomainError(
            ErrorCode.PayloadTooLarge,
            `The CSV has more than ${this.config.csvImport.maxRows} rows.`,
          );
        }
        if (rows === 1) {
          assertColumns(record);
          state.splitDates = 'start_date' in record;
        }
        const candidate = await this.validateRow(state, record, info.lines);
        if (candidate) batch.push(candidate);
        if (batch.length >= BATCH_SIZE) await flush();
        await state.slice.pause();
      }
    } catch (error) {
      parser.destroy();
      // Only the parser's own errors are the file's fault; a database error stays what it is (503).
      if (!(error instanceof CsvError)) throw error;
      throw DomainError.validation({ file: [`The CSV could not be read: ${error.message}`] });
    }
    await flush();
    if (rows === 0) throw DomainError.validation({ file: ['The CSV has a header but no data rows'] });
    return { created, failed: report.failed, errors: report.errors, dry_run: options.dryRun };
  }

  private async validateRow(state: ImportState, record: Row, row: number): Promise<Candidate | null> {
    const { lookups, auth, report } = state;
    const value = (key: string) => (record[key] ?? '').trim();
    // Text as an export wrote it: a formula-like cell's quote (quoteCell) comes off.
    const text = (key: string) => unquoteCell(value(key));
    // PostgreSQL's text cannot hold U+0000: such a cell is the row's fault, not a 500 (ignored columns are never read).
    const nul = Object.keys(record).filter((field) => !field.startsWith('ignored:') && record[field]?.includes('\0'));
    if (nul.length > 0) {
      report.reject(
        row,
        nul.map((field) => [field, `${field} must not contain the NUL character (U+0000)`]),
      );
      return null;
    }
    // The JSON API's rules, cell by cell: every value is checked before it can reach a statement.
    const problems: Array<[string, string]> = [];
    const id = (field: 'project_id' | 'client_id' | 'task_id'): number | null | 'invalid' => {
      const parsed = parseId(value(field));
      if (parsed === 'invalid') problems.push([field, `${field} must be an integer id from 1 to ${MAX_ID}`]);
      return parsed;
    };
    const projectId = id('project_id');
    const clientId = id('client_id');
    const taskId = id('task_id');

    const client = clientId === 'invalid' ? 'invalid' : await lookups.client(clientId, text('client'));
    if (typeof client === 'string' && client !== 'invalid') problems.push(['client', NOT_FOUND[client]('client')]);
    const clientEntity = client instanceof ClientEntity ? client : null;
    const project =
      projectId === 'invalid' ? 'invalid' : await lookups.project(projectId, text('project'), clientEntity);
    if (typeof project === 'string' && project !== 'invalid') problems.push(['project', NOT_FOUND[project]('project')]);
    const projectEntity = project instanceof ProjectEntity ? project : null;
    if (project === null && client === null) {
      problems.push(['project', 'project_id, project, client_id or client is required']);
    }
    const task = taskId === 'invalid' ? 'invalid' : await lookups.task(taskId, text('task'), projectEntity);
    if (task === 'missing') {
      problems.push(['task', projectEntity ? 'No such task in this project' : 'A task needs a project']);
    } else if (task === 'too_long') {
      problems.push(['task', NOT_FOUND.too_long('task')]);
    }

    // Other trackers write a date column and a time-of-day column per end.
    const split = state.splitDates;
    const start = split
      ? this.dateAndTime(state, value('start_date'), value('start_time'), 'start', problems)
      : this.instant(state, value('start_time'), 'start_time', problems);
    const pause = breakSeconds(value('break'));
    if (pause === null || pause > MAX_ENTRY_SECONDS) problems.push(['break', 'break must be minutes (30) or HH:MM']);
    let end: Date | null = null;
    let endField = 'end_time';
    if (value('end_time')) {
      end = split
        ? this.dateAndTime(state, value('end_date') || value('start_date'), value('end_time'), 'end', problems)
        : this.instant(state, value('end_time'), 'end_time', problems);
    } else if (value('duration')) {
      endField = 'duration';
      const seconds = durationSeconds(value('duration'));
      if (seconds === null || seconds <= 0) {
        problems.push(['duration', 'duration must be hours (1.5) or HH:MM']);
      } else if (seconds > MAX_ENTRY_SECONDS) {
        problems.push(['duration', `duration must be at most 10 years (${MAX_ENTRY_SECONDS / 3600} hours)`]);
      } else if (start) {
        // duration is worked time: the break lies inside the span on top of it.
        end = new Date(start.getTime() + (seconds + (pause ?? 0)) * 1000);
        const problem = instantProblem(end, 'start_time + duration');
        if (problem) {
          problems.push(['duration', problem]);
          end = null;
        }
      }
    } else {
      problems.push(['end_time', 'end_time or duration is required']);
    }
    const span = start && end ? spanProblem(start, end, new Date()) : null;
    if (span) problems.push([endField, span[1]]);
    const breakIssue = start && end && pause !== null && !span ? breakProblem(start, end, pause) : null;
    if (breakIssue) problems.push(['break', breakIssue.replace('break_seconds', 'break')]);
    const billable = parseFlag(value('billable'));
    if (billable === null) problems.push(['billable', 'billable must be true/false, yes/no or 1/0']);
    const paid = value('paid') === '' ? false : parseFlag(value('paid'));
    if (paid === null) problems.push(['paid', 'paid must be true/false, yes/no or 1/0']);
    const notes = text('notes');
    const tags = text('tags');
    if (notes.length > 5000) problems.push(['notes', 'notes must be at most 5000 characters']);
    if (tags.length > 500) problems.push(['tags', 'tags must be at most 500 characters']);

    if (problems.length > 0 || !start || !end || pause === null) {
      report.reject(row, problems);
      return null;
    }
    const now = new Date();
    return {
      row,
      entry: {
        userId: auth.userId,
        projectId: projectEntity?.id ?? null,
        clientId: clientEntity?.id ?? projectEntity?.clientId ?? null,
        taskId: task instanceof TaskEntity ? task.id : null,
        startTime: start,
        endTime: end,
        durationSeconds: workedSeconds(start, end, pause),
        breakSeconds: pause,
        pausedAt: null,
        notes: notes || null,
        tags: normaliseTags(tags),
        source: 'import',
        billable: billable ?? true,
        paid: paid ?? false,
        invoiceNumber: null,
        createdAt: now,
        updatedAt: now,
      },
    };
  }

  /** A date-time cell read as the JSON API reads one (date-only refused), or null with the problem recorded. */
  private instant(state: ImportState, text: string, field: string, problems: Array<[string, string]>): Date | null {
    const parsed = parseInstant(text, state.timeZone);
    if (!parsed || parsed.dateOnly) {
      problems.push([field, `${field} must be an ISO 8601 date-time`]);
      return null;
    }
    const problem = instantProblem(parsed.date, field);
    if (problem) problems.push([field, problem]);
    return problem ? null : parsed.date;
  }

  /** A date cell and a time-of-day cell (`<end>_date`, `<end>_time`) as one instant in the import's zone. */
  private dateAndTime(
    state: ImportState,
    dateText: string,
    timeText: string,
    end: 'start' | 'end',
    problems: Array<[string, string]>,
  ): Date | null {
    const date = isoDate(dateText, state.dateFormat);
    const time = isoTime(timeText);
    if (!date) problems.push([`${end}_date`, `${end}_date must be a date as ${state.dateFormat} (see date_format)`]);
    if (!time) problems.push([`${end}_time`, `${end}_time must be a time as HH:MM[:SS] or h:mm[:ss] AM/PM`]);
    if (!date || !time) return null;
    const parsed = parseInstant(`${date}T${time}`, state.timeZone);
    if (!parsed) {
      problems.push([`${end}_date`, `${end}_date ${dateText} is not a calendar date`]);
      return null;
    }
    const problem = instantProblem(parsed.date, `${end}_date`);
    if (problem) problems.push([`${end}_date`, problem]);
    return problem ? null : parsed.date;
  }

  /**
   * Inserts a batch; for non-admins, rows overlapping the user's entries (or earlier rows) fail.
   * One range query per batch, bounded to entries starting after the batch's earliest start minus
   * the longest entry (none longer exists), then an in-memory check.
   */
  private async insertBatch(state: ImportState, batch: Candidate[]): Promise<number> {
    if (batch.length === 0) return 0;
    const { manager, auth, report, slice } = state;
    let accepted = batch;
    if (!auth.isAdmin) {
      const from = Math.min(...batch.map((c) => c.entry.startTime.getTime()));
      const to = Math.max(...batch.map((c) => c.entry.endTime!.getTime()));
      const since = new Date(from - state.longestMs);
      const taken = await this.entries.completedRanges(manager, auth.userId, new Date(from), new Date(to), since);
      accepted = [];
      for (const candidate of batch) {
        const s = candidate.entry.startTime.getTime();
        const e = candidate.entry.endTime!.getTime();
        await slice.pause();
        if (taken.some(([ts, te]) => ts < e && te > s)) {
          report.reject(candidate.row, [['start_time', 'overlaps another of your time entries']]);
          continue;
        }
        taken.push([s, e]);
        accepted.push(candidate);
        // Later batches must find this row too: the bound grows with the import's own entries.
        state.longestMs = Math.max(state.longestMs, e - s);
      }
    }
    for (let i = 0; i < accepted.length; i += INSERT_ROWS) {
      const ids = await this.entries.insertMany(
        manager,
        accepted.slice(i, i + INSERT_ROWS).map((c) => c.entry),
      );
      // The feed: one `created` per row, as GET returns the entry.
      const inserted = await this.entries.reloadMany(ids, manager);
      await this.changes.recordEach(
        manager,
        auth,
        inserted.map((e) => timeEntryChange(e, 'created')),
      );
      await slice.pause();
    }
    return accepted.length;
  }
}

function assertColumns(record: Row): void {
  const has = (...keys: string[]) => keys.some((k) => k in record);
  const missing: string[] = [];
  if (!has('project_id', 'project', 'client_id', 'client')) missing.push('project_id (or project, client_id, client)');
  if (!has('start_time')) missing.push('start_time (or start)');
  if (!has('end_time', 'duration')) missing.push('end_time (or end, duration)');
  if (missing.length) throw DomainError.validation({ columns: missing.map((m) => `Missing column ${m}`) });
}

/** `failed` counts rows; `errors` lists each of their field errors (the first MAX_REPORTED_ERRORS). */
class RowErrors {
  failed = 0;
  readonly errors: ImportRowErrorDto[] = [];

  reject(row: number, problems: ReadonlyArray<readonly [string, string]>): void {
    this.failed++;
    for (const [field, error] of problems) {
      if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ row, field, error });
    }
  }
}

function* chunks(bytes: Buffer): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += CHUNK_BYTES) yield bytes.subarray(i, i + CHUNK_BYTES);
}

/** What create_missing creates with: the services' own create, inside the import's transaction. */
interface Creator {
  auth: AuthContext;
  clients: ClientsService;
  projects: ProjectsService;
  tasks: TasksService;
}

/** Why a name found nothing: no such row, or (create_missing) a name too long to create one. */
type NotFound = 'missing' | 'too_long';

/** The longest name of a client, project or task (their columns). */
const MAX_NAME = 200;

const NOT_FOUND: Record<NotFound, (what: string) => string> = {
  missing: (what) => `No such ${what}`,
  too_long: (what) => `A new ${what}'s name must be at most ${MAX_NAME} characters`,
};

/**
 * Projects, clients and tasks by id or (case-insensitive) name, cached for the import. With a
 * creator (create_missing), a name that finds nothing creates one: a project under the row's
 * client, a task in the row's project. Ids never create.
 */
class Lookups {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly manager: EntityManager,
    private readonly creator: Creator | null,
  ) {}

  client(id: number | null, name: string): Promise<ClientEntity | NotFound | null> {
    return this.find(ClientEntity, 'clients', id, name, (c) => c.clients.createWithin(this.manager, c.auth, { name }));
  }

  project(id: number | null, name: string, client: ClientEntity | null): Promise<ProjectEntity | NotFound | null> {
    return this.find(ProjectEntity, 'projects', id, name, (c) =>
      c.projects.createWithin(this.manager, c.auth, { name, client_id: client?.id ?? null }),
    );
  }

  /** By id (a valid one, parseId) or else by name; an id wins over a name. */
  async task(id: number | null, name: string, project: ProjectEntity | null): Promise<TaskEntity | NotFound | null> {
    if (id === null && !name) return null;
    if (!project) return 'missing';
    const key = `task:${project.id}:${id ?? ''}:${name.toLowerCase()}`;
    return this.cached(key, async () => {
      const qb = this.manager.createQueryBuilder(TaskEntity, 't').where('t.project_id = :p', { p: project.id });
      if (id !== null) qb.andWhere('t.id = :id', { id });
      else qb.andWhere('LOWER(t.name) = :name', { name: name.toLowerCase() });
      const found = await qb.getOne();
      if (found || id !== null) return found ?? 'missing';
      return this.create(name, (c) => c.tasks.createWithin(this.manager, c.auth, { name, project_id: project.id }));
    });
  }

  private find<T extends ProjectEntity | ClientEntity>(
    entity: new () => T,
    label: string,
    id: number | null,
    name: string,
    create: (creator: Creator) => Promise<T>,
  ): Promise<T | NotFound | null> {
    if (id === null && !name) return Promise.resolve(null);
    const key = `${label}:${id ?? ''}:${name.toLowerCase()}`;
    return this.cached(key, async () => {
      const qb = this.manager.createQueryBuilder(entity, 'x');
      if (id !== null) qb.where('x.id = :id', { id });
      else qb.where('LOWER(x.name) = :name', { name: name.toLowerCase() });
      const found = await qb.getOne();
      if (found || id !== null) return found ?? 'missing';
      return this.create(name, create);
    });
  }

  private async create<T>(name: string, create: (creator: Creator) => Promise<T>): Promise<T | NotFound> {
    if (!this.creator) return 'missing';
    return name.length > MAX_NAME ? 'too_long' : create(this.creator);
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.cache.set(key, hit);
    }
    return hit;
  }
}

/** create_missing writes projects, clients and tasks: the token needs write:projects as well. */
function assertMayCreate(auth: AuthContext): void {
  const missing = missingScope(auth.scopes, ['write:projects']);
  if (missing) {
    throw new DomainError(ErrorCode.Forbidden, `create_missing=true requires the '${missing}' scope`, {
      title: 'Insufficient permissions',
      extra: { required_scope: missing, available_scopes: [...auth.scopes] },
    });
  }
}

/** The largest id of a 32-bit integer column (PostgreSQL's serial), as the JSON API allows. */
const MAX_ID = 2 ** 31 - 1;

/** An id cell: empty is null; anything but an integer from 1 to MAX_ID is invalid, never a lookup. */
function parseId(text: string): number | null | 'invalid' {
  if (text === '') return null;
  if (!/^\d+$/.test(text)) return 'invalid';
  const id = Number(text);
  return id >= 1 && id <= MAX_ID ? id : 'invalid';
}
