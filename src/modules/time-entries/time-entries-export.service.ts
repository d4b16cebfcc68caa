import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import type { AuthContext } from '../../common/auth/auth-context';
import type { ExportTimeEntriesQueryDto } from './dto/export-time-entries-query.dto';
import { csvExportStream } from './export/csv-export';
import { xlsxExportStream } from './export/xlsx-export';
import { TimeEntriesRepository } from './time-entries.repository';
import { TimeEntriesService } from './time-entries.service';
import type { TimeEntryEntity } from './time-entry.entity';
import { TIME_ENTRY_SORTS } from './time-entry.sorts';

/** Entries read per statement: a few hundred KB of text, a few milliseconds of SQLite's time. */
const BATCH_ROWS = 1000;

/**
 * Exports running at once in one process. On PostgreSQL each holds one of the pool's 10
 * connections for as long as its client reads; past this, an export is 503 with Retry-After,
 * and every other request keeps its connections.
 */
export const MAX_RUNNING_EXPORTS = 3;

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
    private readonly entries: TimeEntriesRepository,
    private readonly timeEntries: TimeEntriesService,
  ) {}

  /** Exports of this process whose stream has not closed yet. */
  private running = 0;

  async exportTimeEntries(auth: AuthContext, query: ExportTimeEntriesQueryDto): Promise<ExportFile> {
    // Completed entries only: the DTO has no include_active.
    const filter = this.timeEntries.listFilter(auth, query);
    const order = TIME_ENTRY_SORTS.order(query.sort);
    if (this.running >= MAX_RUNNING_EXPORTS) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `${MAX_RUNNING_EXPORTS} exports are running on this server; retry in a moment.`,
        { headers: { 'Retry-After': '10' } },
      );
    }
    this.running++;
    let running = true;
    const finished = () => {
      if (running) this.running--;
      running = false;
    };
    const batches = this.entries.exportBatches(filter, order, BATCH_ROWS);
    try {
      const file = FILES[query.format ?? 'csv'];
      const stream = file.write(await started(batches));
      // However the stream ends (done, failed, or destroyed before it was read at all: the client
      // went away), the query ends with it and its connection goes back to the pool.
      stream.once('close', () => {
        finished();
        void batches.return(undefined).catch(() => undefined);
      });
      return { stream, contentType: file.contentType, filename: file.filename };
    } catch (error) {
      finished();
      throw error;
    }
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
