import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by every local process named `postgres` (0 when none is visible). */
export function postgresCpuSeconds(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the name).
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile, or /proc is not there.
    }
  }
  return ticks / 100;
}
