import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { AuthContext } from '../../common/auth/auth-context';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { exclusiveEnd } from '../../common/time/date-range';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { ExportTimeEntriesQueryDto } from './dto/export-time-entries-query.dto';
import { csvExportStream } from './export/csv-export';
import { xlsxExportStream } from './export/xlsx-export';
import { type TimeEntryListFilter, TimeEntriesRepository } from './time-entries.repository';
import { TimeEntryRules } from './time-entry-rules';
import type { TimeEntryEntity } from './time-entry.entity';
import { TIME_ENTRY_SORTS } from './time-entry.sorts';

/** Entries read per statement: a few hundred KB of text, a few milliseconds of SQLite's time. */
const BATCH_ROWS = 1000;

export interface ExportFile {
  stream: Readable;
  contentType: string;
  filename: string;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const FILES = {
  csv: { contentType: 'text/csv; charset=utf-8', filename: 'time-entries.csv', write: csvExportStream },
  xlsx: { contentType: XLSX_CONTENT_TYPE, filename: 'time-entries.xlsx', write: xlsxExportStream },
} as const;

/**
 * The export (contract §13): every completed entry the list would show for the same filters, in
 * its `sort`, as a CSV or XLSX file streamed while the rows are read (TimeEntriesRepository.
 * exportBatches), so memory stays flat however many rows and the first bytes leave at once.
 */
@Injectable()
export class TimeEntriesExportService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly entries: TimeEntriesRepository,
    private readonly rules: TimeEntryRules,
  ) {}

  async exportTimeEntries(auth: AuthContext, query: ExportTimeEntriesQueryDto): Promise<ExportFile> {
    if (query.user_id !== undefined && query.user_id !== auth.userId && !auth.isAdmin) {
      throw new DomainError(ErrorCode.Forbidden, "Only admins can export other users' time entries.");
    }
    const order = TIME_ENTRY_SORTS.order(query.sort);
    const batches = this.entries.exportBatches(this.filter(auth, query), order, BATCH_ROWS);
    const file = FILES[query.format ?? 'csv'];
    const stream = file.write(await started(batches));
    // However the stream ends (done, failed, or destroyed before it was read at all: the client
    // went away), the query ends with it and its connection goes back to the pool.
    stream.once('close', () => void batches.return(undefined).catch(() => undefined));
    return { stream, contentType: file.contentType, filename: file.filename };
  }

  /** The filters as GET /time-entries applies them, for completed entries only. */
  private filter(auth: AuthContext, query: ExportTimeEntriesQueryDto): TimeEntryListFilter {
    return {
      userId: auth.isAdmin ? query.user_id : auth.userId,
      projectId: query.project_id,
      from: query.start_date ? this.rules.instant(query.start_date, 'start_date') : undefined,
      toExclusive: query.end_date ? exclusiveEnd(query.end_date, this.config.timezone, 'end_date') : undefined,
      billable: query.billable,
      includeActive: false,
      updatedSince: query.updated_since ? this.rules.instant(query.updated_since, 'updated_since') : undefined,
    };
  }
}

/**
 * `batches` with its first batch read already: a failure to start (the database down, a timeout)
 * is the request's error answer, not a download cut off after its headers.
 */
async function started(
  batches: AsyncGenerator<TimeEntryEntity[], void, undefined>,
): Promise<AsyncIterableIterator<TimeEntryEntity[]>> {
  let head: IteratorResult<TimeEntryEntity[], void> | null = await batches.next();
  const iterator: AsyncIterableIterator<TimeEntryEntity[]> = {
    next: () => {
      if (head === null) return batches.next();
      const first = head;
      head = null;
      return Promise.resolve(first);
    },
    return: (value?: unknown) => {
      head = null;
      return batches.return(value as undefined);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
