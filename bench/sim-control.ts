import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimulatorStats, SmscSimulatorOptions } from '../src/simulator/index.js';
import type { SimCommand } from './sim-process.js';

/** The simulator running in a child process (sim-process.ts). */
export class SimProcess {
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (m: { id?: number; result?: unknown; error?: string }) => {
      if (m.id === undefined) return;
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.result);
    });
  }

  static start(options: SmscSimulatorOptions): Promise<SimProcess> {
    const child = fork(
      fileURLToPath(new URL('./sim-process.js', import.meta.url)),
      [JSON.stringify(options)],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    );
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`simulator process exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m: { ready?: boolean; port?: number }) => {
        child.off('exit', onExit);
        if (m.ready && m.port) resolve(new SimProcess(child, m.port));
        else reject(new Error('simulator process did not start'));
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private send<T>(command: SimCommand): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, command });
    });
  }

  stats(): Promise<SimulatorStats> {
    return this.send({ cmd: 'stats' });
  }
  resetStats(): Promise<void> {
    return this.send({ cmd: 'resetStats' });
  }
  clearSubmits(): Promise<void> {
    return this.send({ cmd: 'clearSubmits' });
  }
  submitCount(): Promise<number> {
    return this.send({ cmd: 'submitCount' });
  }
  duplicates(): Promise<number> {
    return this.send({ cmd: 'duplicates' });
  }
  /** When the simulator accepted each submit whose text contains `marker`: [text, epoch ms]. */
  submitTimes(marker: string): Promise<Array<[string, number]>> {
    return this.send({ cmd: 'submitTimes', marker });
  }
  setSubmitsPerSecond(limit: number): Promise<void> {
    return this.send({ cmd: 'setSubmitsPerSecond', limit });
  }
  refuseBinds(status: number | null): Promise<void> {
    return this.send({ cmd: 'refuseBinds', status });
  }

  /** Event-loop utilisation of the simulator since the previous call, and its CPU time. */
  elu(): Promise<{ utilization: number; cpu: NodeJS.CpuUsage }> {
    return this.send({ cmd: 'elu' });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.send({ cmd: 'stop' }).catch(() => undefined);
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
