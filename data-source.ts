/**
 * The DataSource for the TypeORM CLI, e.g.
 *   npx typeorm migration:run -d dist/data-source.js
 *   npx typeorm migration:show -d dist/data-source.js
 * Connects to DATABASE_URL (default: the local Postgres). Explicit arrays, no globs (ESM).
 */
import { DataSource } from 'typeorm';
import { SMPP_MIGRATIONS } from './migrations/index.js';
import { SMPP_ENTITIES } from './src/smpp/entities/index.js';

// Only ONE export of a DataSource: the CLI refuses a file with two (even of the same instance).
const dataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  entities: SMPP_ENTITIES,
  migrations: SMPP_MIGRATIONS,
  synchronize: false,
  migrationsRun: false,
});

export default dataSource;
