import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import type { TimeEntryEntity } from '../time-entry.entity';
import { EXPORT_COLUMNS, exportRow } from './export-columns';

/** Rows of an XLSX sheet, the header included: Excel opens no more. */
export const XLSX_MAX_ROWS = 1_048_576;

/** A sheet's XML that may wait in front of the zip before the writer stops adding rows (see zipped). */
const MAX_PENDING_BYTES = 1024 * 1024;

export interface XlsxExportOptions {
  /** Data rows per sheet before the next sheet starts (the header comes on top of them). */
  rowsPerSheet?: number;
}

/**
 * The XLSX as a byte stream, written by exceljs' streaming writer: rows are committed as they come
 * and never kept. Cells as exportRow makes them: numbers and flags as such, times and durations as
 * the same ISO 8601 / `HH:MM:SS` text as the CSV (unambiguous, with no zone lost, and read back by
 * the import from a sheet saved as CSV), free text quoted against formulas (a carriage return in
 * text reads back as a line feed: XML keeps no other). Past Excel's row limit the entries go on in
 * another sheet (`Time entries 2`, ...), each with the header.
 *
 * A failure part-way destroys the stream: the client sees a cut-off download, not a short file
 * that looks complete. Destroying it (the client went away) stops the rows and ends `batches`.
 */
export function xlsxExportStream(batches: AsyncIterable<TimeEntryEntity[]>, options: XlsxExportOptions = {}): Readable {
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  const rowsPerSheet = options.rowsPerSheet ?? XLSX_MAX_ROWS - 1;
  writeWorkbook(batches, out, rowsPerSheet).catch((error: unknown) => {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return out;
}

async function writeWorkbook(
  batches: AsyncIterable<TimeEntryEntity[]>,
  out: PassThrough,
  rowsPerSheet: number,
): Promise<void> {
  // No shared strings: exceljs would keep every distinct string of the file in memory.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  let sheets = 0;
  let rows = 0;
  const addSheet = () => {
    const sheet = workbook.addWorksheet(++sheets === 1 ? 'Time entries' : `Time entries ${sheets}`);
    sheet.addRow([...EXPORT_COLUMNS]).commit();
    rows = 0;
    return sheet;
  };
  let sheet = addSheet();
  for await (const batch of batches) {
    for (const entry of batch) {
      if (rows === rowsPerSheet) {
        sheet.commit();
        sheet = addSheet();
      }
      sheet.addRow(exportRow(entry)).commit();
      rows++;
    }
    await zipped(sheet, out);
    // The client went away: leaving the loop ends `batches` (and its query).
    if (out.destroyed) return;
  }
  sheet.commit();
  await workbook.commit();
}

/**
 * Waits until the file may grow: while the stream is full (the client reads slower than the rows
 * come), and while more than MAX_PENDING_BYTES of the sheet's XML wait for the zip. Neither wait
 * happens inside exceljs: it hands the sheet's XML on, and its zip (archiver) goes on compressing
 * into its own buffers, without heeding backpressure; reading the next batch only once both have
 * room keeps memory flat. The sheet's buffer is the stream archiver reads it from (exceljs pipes
 * the sheet's StreamBuf into it): internals of exceljs 4, which the unit spec checks, so that an
 * upgrade that moves them fails there rather than silently in memory.
 */
async function zipped(sheet: ExcelJS.Worksheet, out: PassThrough): Promise<void> {
  for (;;) {
    if (out.destroyed) return;
    const input = sheetInput(sheet);
    const full = out.writableNeedDrain
      ? out
      : input !== undefined && pendingBytes(input) > MAX_PENDING_BYTES
        ? input
        : null;
    if (full === null) return;
    const stop = new AbortController();
    // Room again; or the client went away; and a timer, in case an event never comes.
    await Promise.race([
      once(full, 'drain', { signal: stop.signal }),
      once(out, 'close', { signal: stop.signal }),
      delay(50, undefined, { signal: stop.signal }),
    ]).catch(() => undefined);
    stop.abort();
  }
}

interface BufferedStream extends NodeJS.EventEmitter {
  _writableState?: { length?: number };
}

/** The stream the zip reads the sheet's XML from (see zipped), if it is where exceljs 4 keeps it. */
export function sheetInput(sheet: ExcelJS.Worksheet): BufferedStream | undefined {
  const xml = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream;
  const input = xml?.pipes?.[0] as BufferedStream | undefined;
  return input && typeof input.once === 'function' ? input : undefined;
}

/** Bytes written to `input` and not yet read by the zip. */
export function pendingBytes(input: BufferedStream): number {
  return input._writableState?.length ?? 0;
}
