import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import {
  startEmbeddedPostgres,
  type EmbeddedPostgresHandle,
} from '../src/app/database/embedded-postgres.js';

/** A Postgres server for the bench: DATABASE_URL, else an embedded one (stopped by close()). */
export class BenchServer {
  private constructor(
    readonly url: string,
    readonly source: 'DATABASE_URL' | 'embedded',
    private readonly embedded?: EmbeddedPostgresHandle,
  ) {}

  static async start(): Promise<BenchServer> {
    const fromEnv = process.env.DATABASE_URL;
    if (fromEnv) return new BenchServer(fromEnv, 'DATABASE_URL');
    const dataDir = join(
      tmpdir(),
      `smpp-bench-pg-${process.pid}-${randomBytes(4).toString('hex')}`,
      'data',
    );
    const handle = await startEmbeddedPostgres({
      dataDir,
      persistent: false,
      database: 'smpp_bench_admin',
      logger: { log: () => undefined, warn: (m) => console.warn(`[bench] ${m}`) },
    });
    return new BenchServer(handle.url, 'embedded', handle);
  }

  /** A new, empty database on the server; returns its URL. */
  async createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
    const name = `smpp_bench_${randomBytes(5).toString('hex')}`;
    await this.admin(`CREATE DATABASE ${name}`);
    const url = new URL(this.url);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: () => this.admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }

  /** Server settings that move the history figures (autovacuum is off on some test servers). */
  async settings(): Promise<string> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
        `SELECT name, setting, unit FROM pg_settings
          WHERE name IN ('autovacuum', 'shared_buffers', 'max_wal_size', 'synchronous_commit')
          ORDER BY name`,
      );
      return rows.map((r) => `${r.name}=${r.setting}${r.unit ? ` ${r.unit}` : ''}`).join(', ');
    } finally {
      await client.end();
    }
  }

  async close(): Promise<void> {
    if (!this.embedded) return;
    await this.embedded.stop();
    await rm(dirname(this.embedded.dataDir), { recursive: true, force: true });
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
