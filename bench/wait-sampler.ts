import pg from 'pg';

/** What the other sessions of a database waited on while something ran (pg_stat_activity samples). */
export interface WaitSamples {
  /** Samples taken. */
  samples: number;
  /** Active sessions seen, all samples together, by "type:event" (`cpu` when not waiting). */
  others: Record<string, number>;
  /** The same for the session holding the purge lock. */
  purge: Record<string, number>;
  /** Sessions seen waiting for a lock the purge session held. */
  blockedByPurge: number;
  /** Autovacuum workers seen on this database, by the table they vacuumed. */
  autovacuum: Record<string, number>;
}

/**
 * Samples pg_stat_activity of one database every `everyMs` until stop(): which waits the live
 * traffic's sessions show (a lock? WAL? IO?), and whether the purge ever blocks them.
 */
export async function sampleWaits(databaseUrl: string, everyMs = 50) {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: 'bench-sampler',
  });
  await client.connect();
  const result: WaitSamples = {
    samples: 0,
    others: {},
    purge: {},
    blockedByPurge: 0,
    autovacuum: {},
  };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      // One statement per sample: the sampler is a session of the server it measures.
      const { rows } = await client.query<{
        autovacuum: string | null;
        purge: boolean;
        wait: string;
        blocked_by_purge: boolean;
      }>(
        `WITH purger AS (
           -- The session lock of src/smpp/retention/retention-runner.ts (hashtext('smpp:retention')).
           SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 1
              AND objid = (hashtext('smpp:retention')::bigint & 4294967295)::text::oid
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
         SELECT CASE WHEN a.backend_type = 'autovacuum worker'
                     THEN coalesce(v.relid::regclass::text, 'unknown') END AS autovacuum,
                a.pid IN (SELECT pid FROM purger) AS purge,
                coalesce(a.wait_event_type || ':' || a.wait_event, 'cpu') AS wait,
                a.wait_event_type = 'Lock' AND pg_blocking_pids(a.pid) && ARRAY(SELECT pid FROM purger) AS blocked_by_purge
           FROM pg_stat_activity a LEFT JOIN pg_stat_progress_vacuum v ON v.pid = a.pid
          WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
            AND ((a.state = 'active' AND a.backend_type = 'client backend')
                 OR a.backend_type = 'autovacuum worker')`,
      );
      result.samples++;
      for (const r of rows) {
        if (r.autovacuum !== null) {
          result.autovacuum[r.autovacuum] = (result.autovacuum[r.autovacuum] ?? 0) + 1;
          continue;
        }
        const into = r.purge ? result.purge : result.others;
        into[r.wait] = (into[r.wait] ?? 0) + 1;
        if (r.blocked_by_purge) result.blockedByPurge++;
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop(): Promise<WaitSamples> {
      stopped = true;
      await loop;
      await client.end();
      return result;
    },
  };
}

/** The `n` most seen waits, as "wait n" pairs. */
export function topWaits(counts: Record<string, number>, n = 6): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
