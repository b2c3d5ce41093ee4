import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CommandStatus } from '../src/smpp/protocol/command-status.js';
import type { BenchServer } from './database.js';
import { SimProcess } from './sim-control.js';

export interface MemoryResult {
  rss10k: number;
  rss100k: number;
  heap10k: number;
  heap100k: number;
  queued: number;
  total: number;
}

/** RSS of an application process with 10k, then 100k messages queued while the SMSC refuses binds. */
export async function queuedMemory(server: BenchServer): Promise<MemoryResult> {
  const sim = await SimProcess.start({ submitsPerSecondPerBind: 50 });
  await sim.refuseBinds(CommandStatus.ESME_RBINDFAIL);
  const db = await server.createDatabase();
  try {
    const child = fork(
      fileURLToPath(new URL('./memory-child.js', import.meta.url)),
      [db.url, String(sim.port)],
      {
        execArgv: ['--expose-gc'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    return await new Promise<MemoryResult>((resolve, reject) => {
      let result: MemoryResult | undefined;
      child.on('message', (m: MemoryResult) => (result = m));
      child.on('exit', (code) =>
        result ? resolve(result) : reject(new Error(`memory phase exited with ${code}`)),
      );
    });
  } finally {
    await sim.stop();
    await db.drop();
  }
}
