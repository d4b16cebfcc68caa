import { DataSource } from 'typeorm';
import { appDataSourceOptions } from './app-data-source';
import { loadConfig } from './config/app-config';

/** For the TypeORM CLI (`npm run typeorm -- migration:generate ...`); same options as the app. */
export const dataSource = new DataSource(appDataSourceOptions(loadConfig()));
