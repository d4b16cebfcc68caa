import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { TimeEntryEntity } from '../time-entry.entity';
import { EXPORT_COLUMNS, exportRow } from './export-columns';

/** Excel reads a CSV without it in the machine's legacy code page; the import skips it. */
const UTF8_BOM = '\uFEFF';

/** RFC 4180 quoting where needed; flags as `true`/`false` (csv-stringify's default is 1 and empty). */
const OPTIONS = { cast: { boolean: (value: boolean) => (value ? 'true' : 'false') } };

/** The header line, then one chunk of text per batch. */
async function* csvChunks(batches: AsyncIterable<TimeEntryEntity[]>): AsyncGenerator<string, void, undefined> {
  yield UTF8_BOM + stringify([[...EXPORT_COLUMNS]], OPTIONS);
  for await (const batch of batches) yield stringify(batch.map(exportRow), OPTIONS);
}

/**
 * The CSV as a byte stream that pulls a batch only when what it holds has gone out (below its
 * 64 KiB mark): a slow client slows the reads. Destroying it (the client went away) ends `batches`
 * through its `return()`.
 */
export function csvExportStream(batches: AsyncIterable<TimeEntryEntity[]>): Readable {
  return Readable.from(csvChunks(batches), { objectMode: false, highWaterMark: 64 * 1024 });
}
