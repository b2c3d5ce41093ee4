import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

/**
 * CPU profile of one phase of this process when BENCH_CPU_PROF names a folder: the same
 * .cpuprofile format as `node --cpu-prof`, but limited to the measured work.
 */
export async function profiled<T>(phase: string, run: () => Promise<T>): Promise<T> {
  const folder = process.env.BENCH_CPU_PROF;
  if (!folder) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    const file = `${folder}/${phase}.cpuprofile`;
    await writeFile(file, JSON.stringify(profile));
    console.log(`CPU profile of ${phase}: ${file}`);
    session.disconnect();
  }
}
