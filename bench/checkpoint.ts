import type { SqlExecutor } from '../src/smpp/store/sql.js';
import { describeDatabaseError } from '../src/smpp/store/transient-error.js';

/**
 * CHECKPOINT: writes every dirty page to disk, so that the writes of what ran before (a bulk load,
 * a phase at full speed) are not written back while the next loop is measured. Needs superuser
 * or pg_checkpoint; without them the bench says so and goes on.
 */
export async function checkpoint(db: SqlExecutor, log: (line: string) => void): Promise<void> {
  try {
    await db.query('CHECKPOINT');
  } catch (error) {
    log(`  (no CHECKPOINT: ${describeDatabaseError(error)})`);
  }
}
