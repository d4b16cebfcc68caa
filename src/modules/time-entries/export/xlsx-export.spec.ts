import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import type { TimeEntryEntity } from '../time-entry.entity';
import { EXPORT_COLUMNS } from './export-columns';
import { exportTestEntry } from '../../../../test/support/export-entries';
import { pendingBytes, sheetInput, xlsxExportStream } from './xlsx-export';

async function bytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Batches of `size` entries, as many as read, counted; `ended` once the consumer stopped. */
function endless(size: number) {
  const state = { pulled: 0, ended: false };
  const batches = (async function* (): AsyncGenerator<TimeEntryEntity[], void, undefined> {
    try {
      for (;;) {
        state.pulled++;
        // Notes that the zip cannot shrink much, as real text would not.
        yield Array.from({ length: size }, (_v, i) =>
          exportTestEntry(state.pulled * size + i, { notes: Math.random().toString(36).repeat(8) }),
        );
      }
    } finally {
      state.ended = true;
    }
  })();
  return { state, batches };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Workbooks of tens of thousands of rows, written and read back.
jest.setTimeout(60_000);

describe('XLSX export stream', () => {
  it("should find the buffer in front of exceljs' zip (the backpressure depends on it)", () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: new PassThrough(), useSharedStrings: false });
    const sheet = workbook.addWorksheet('x');
    sheet.addRow(['a']).commit();
    const input = sheetInput(sheet);
    expect(input).toBeDefined();
    expect(typeof pendingBytes(input!)).toBe('number');
    expect(input!._writableState?.length).toEqual(expect.any(Number));
  });

  it('should write typed cells and start a new sheet past the row limit', async () => {
    const entries = [1, 2, 3, 4, 5].map((id) => exportTestEntry(id, { notes: id === 3 ? '=1+1' : 'plain' }));
    const stream = xlsxExportStream(
      (async function* () {
        yield entries.slice(0, 3);
        yield entries.slice(3);
      })(),
      { rowsPerSheet: 2 },
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await bytes(stream)) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Time entries', 'Time entries 2', 'Time entries 3']);
    const rows = workbook.worksheets.map((s) =>
      s
        .getSheetValues()
        .slice(1)
        .map((r) => (r as unknown[]).slice(1)),
    );
    expect(rows.map((r) => r.length)).toEqual([3, 3, 2]);
    for (const sheet of rows) expect(sheet[0]).toEqual([...EXPORT_COLUMNS]);
    const third = rows[1][1];
    expect(third[EXPORT_COLUMNS.indexOf('id')]).toBe(3);
    expect(third[EXPORT_COLUMNS.indexOf('notes')]).toBe("'=1+1");
    expect(third[EXPORT_COLUMNS.indexOf('duration_hours')]).toBe(7.5);
    expect(third[EXPORT_COLUMNS.indexOf('billable')]).toBe(true);
    expect(third[EXPORT_COLUMNS.indexOf('start_time')]).toBe('2024-01-18T09:00:00Z');
  });

  it('should stop reading batches while nobody reads the file, and end them when it is destroyed', async () => {
    const { state, batches } = endless(1000);
    const stream = xlsxExportStream(batches);
    await settle(1500);
    const held = state.pulled;
    await settle(500);
    expect(state.pulled).toBe(held);
    // A few batches fill the buffers (the stream's, the zip's, the sheet's), never hundreds.
    expect(held).toBeLessThan(20);
    stream.destroy();
    await settle(100);
    expect(state.ended).toBe(true);
  });

  it('should keep reading while the file is read, and end with a whole workbook', async () => {
    const stream = xlsxExportStream(
      (async function* () {
        for (let batch = 0; batch < 20; batch++) {
          yield Array.from({ length: 1000 }, (_v, i) => exportTestEntry(batch * 1000 + i));
        }
      })(),
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await bytes(stream)) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets[0].rowCount).toBe(20_001);
  });
});
