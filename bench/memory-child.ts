// Memory phase, in a process of its own so that nothing of the other phases is in its heap.
// argv: database URL, simulator port. Reports { rss10k, rss100k, heap10k, heap100k } (MB) on IPC.
import { createBenchApp, runBounded } from './app.js';
import { destination } from './raw.js';
import { benchText } from './texts.js';

async function main(): Promise<void> {
  const [databaseUrl, port] = [process.argv[2], Number(process.argv[3])];
  const app = await createBenchApp({
    databaseUrl,
    port,
    // The SMSC refuses every bind: nothing is claimed, everything stays queued.
    account: { binds: { transceivers: 4 }, window: 10, submitsPerSecond: 50 },
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  const measure = async () => {
    for (let i = 0; i < 3; i++) {
      gc?.();
      await new Promise((r) => setTimeout(r, 200));
    }
    const m = process.memoryUsage();
    return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
  };
  const queue = (from: number, to: number) =>
    runBounded(to - from, 500, (k) =>
      app.smpp.send({ to: destination(from + k), text: benchText('mem', from + k) }),
    );
  await queue(0, 10_000);
  const at10k = await measure();
  await queue(10_000, 100_000);
  const at100k = await measure();
  const [row] = (await app.dataSource.query(
    `SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*)::int AS total FROM smpp_message_parts`,
  )) as Array<{ queued: number; total: number }>;
  process.send?.({
    rss10k: at10k.rss,
    rss100k: at100k.rss,
    heap10k: at10k.heap,
    heap100k: at100k.heap,
    queued: row.queued,
    total: row.total,
  });
  await app.close();
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`memory phase: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
