import { parse } from 'csv-parse/sync';
import { unquoteCell } from '../../../common/csv/spreadsheet-cell';
import { csvExportStream } from './csv-export';
import { EXPORT_COLUMNS, exportRow } from './export-columns';
import { exportTestEntry } from '../../../../test/support/export-entries';

async function* batchesOf<T>(...batches: T[][]): AsyncGenerator<T[], void, undefined> {
  for (const batch of batches) yield batch;
}

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describe('export rows', () => {
  it('should write an entry as the import reads it back', () => {
    const row = Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, exportRow(exportTestEntry(1))[i]]));
    expect(row).toEqual({
      id: 1,
      user: 'alice',
      project_id: 1,
      project: 'Website Redesign',
      client_id: 5,
      client: 'Acme Corp',
      task_id: null,
      task: null,
      start_time: '2024-01-16T09:00:00Z',
      end_time: '2024-01-16T17:00:00Z',
      duration: '07:30:00',
      break: '00:30:00',
      duration_hours: 7.5,
      notes: 'Worked on feature X',
      tags: 'development,frontend',
      billable: true,
      paid: false,
    });
  });

  it.each(['=1+1', '+x', '-y', '@z', '\tTab', '\rCR', "'=quoted", "'plain"])(
    'should quote text beginning %j in every text column, and the import should unquote it',
    (text) => {
      const entry = exportTestEntry(1, { notes: text, tags: text });
      entry.user!.username = text;
      entry.project!.name = text;
      entry.client!.name = text;
      const row = exportRow(entry);
      for (const column of ['user', 'project', 'client', 'notes', 'tags'] as const) {
        const cell = row[EXPORT_COLUMNS.indexOf(column)] as string;
        expect([column, cell]).toEqual([column, `'${text}`]);
        expect(unquoteCell(cell)).toBe(text);
      }
    },
  );

  it('should leave other text, numbers and times alone', () => {
    const row = exportRow(exportTestEntry(1, { notes: 'a = b', durationSeconds: 100 * 3600 + 59, breakSeconds: 0 }));
    expect(row[EXPORT_COLUMNS.indexOf('notes')]).toBe('a = b');
    expect(row[EXPORT_COLUMNS.indexOf('duration')]).toBe('100:00:59');
    expect(row[EXPORT_COLUMNS.indexOf('break')]).toBe('00:00:00');
  });
});

describe('CSV export stream', () => {
  it('should write a BOM, the header and one line per entry, quoting where CSV needs it', async () => {
    const entries = [exportTestEntry(1, { notes: 'a, "b"\nc', paid: true }), exportTestEntry(2, { tags: null })];
    const csv = await text(csvExportStream(batchesOf([entries[0]], [entries[1]])));
    expect(csv.startsWith('\uFEFFid,user,project_id,')).toBe(true);
    const rows: string[][] = parse(csv, { bom: true });
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows).toHaveLength(3);
    expect(rows[1][EXPORT_COLUMNS.indexOf('notes')]).toBe('a, "b"\nc');
    expect(rows[1][EXPORT_COLUMNS.indexOf('paid')]).toBe('true');
    expect(rows[2][EXPORT_COLUMNS.indexOf('billable')]).toBe('true');
    expect(rows[2][EXPORT_COLUMNS.indexOf('task_id')]).toBe('');
    expect(rows[2][EXPORT_COLUMNS.indexOf('tags')]).toBe('');
  });

  it('should stop reading batches when it is destroyed', async () => {
    let pulled = 0;
    let ended = false;
    const endless = (async function* () {
      try {
        for (;;) {
          pulled++;
          yield [exportTestEntry(pulled)];
        }
      } finally {
        ended = true;
      }
    })();
    const stream = csvExportStream(endless);
    await new Promise((resolve) => stream.once('data', resolve));
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toBe(true);
    const seen = pulled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pulled).toBe(seen);
  });
});
