export {
  RETENTION_DEFAULTS,
  type ResolvedRetention,
  type SmppRetentionOptions,
} from './retention-options.js';
export type { PurgeResult } from './retention-runner.js';
export { RETENTION_TABLES, type RetentionTable } from './retention-steps.js';
export type { SmppStoreStats } from './store-stats.js';
