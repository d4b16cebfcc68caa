import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';
import { bindSqliteIntegers } from './sqlite-integer-parameters';

/** A DataSource for one CLI command, always destroyed afterwards. */
export async function withDataSource<T>(work: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = new DataSource(buildDataSourceOptions(loadConfig()));
  bindSqliteIntegers(ds);
  await ds.initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}
