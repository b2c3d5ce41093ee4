import type { DataSource } from 'typeorm';

/**
 * Events in the outbox not dispatched yet (nor dead-lettered). An event is marked dispatched only
 * after its listeners ran, so at 0 every event written so far has been emitted somewhere.
 */
export async function undispatchedEvents(dataSource: DataSource): Promise<number> {
  const [{ n }] = (await dataSource.query(
    `SELECT count(*)::int AS n FROM smpp_outbox_events
      WHERE dispatched_at IS NULL AND dead_lettered_at IS NULL`,
  )) as Array<{ n: number }>;
  return n;
}
