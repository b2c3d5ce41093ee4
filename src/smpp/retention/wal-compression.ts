import type { QueryRunner } from 'typeorm';

/** insufficient_privilege: the role may not set this parameter. */
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Compresses the full-page images the purge writes to the WAL (`wal_compression`), for the purge's
 * session only, where the server leaves it off and the role may set it (a superuser, or on
 * Postgres 15+ a role granted `SET ON PARAMETER wal_compression`). Most of a purge's WAL is
 * full-page images of the old pages it deletes from and vacuums, and every live commit waits for
 * the WAL written before it to reach the disk. Returns whether it was set (then RESET it after).
 */
export async function compressPurgeWal(qr: QueryRunner): Promise<boolean> {
  const [{ setting }] = (await qr.query(
    `SELECT current_setting('wal_compression') AS setting`,
  )) as Array<{ setting: string }>;
  if (setting !== 'off') return false;
  try {
    await qr.query(`SET wal_compression = on`);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === INSUFFICIENT_PRIVILEGE) return false;
    throw error;
  }
}
