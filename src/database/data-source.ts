import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';

/** For the TypeORM CLI (`npm run typeorm -- migration:generate ...`); same options as the app. */
export const dataSource = new DataSource(buildDataSourceOptions(loadConfig()));
