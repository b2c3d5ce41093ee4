import type { SmppModuleOptions } from '../src/smpp/config/smpp-options.interface.js';
import { type BenchApp, createBenchApp } from './app.js';
import { SimProcess } from './sim-control.js';

/** The paced set-up: 4 transceivers, window 10, 50 submit_sm/s each (8x8's limits). */
export const PACED = { binds: 4, perBind: 50, window: 10 } as const;

/**
 * The paced set-up of the bench's phases: a simulator that accepts 50 submit_sm/s per bind and
 * sends each receipt 20 ms after the submit, and the app bound to it on PACED. `stop()` closes
 * both (not the database).
 */
export async function startPacedApp(
  databaseUrl: string,
  module?: Partial<SmppModuleOptions>,
): Promise<{ sim: SimProcess; app: BenchApp; stop: () => Promise<void> }> {
  const sim = await SimProcess.start({
    submitsPerSecondPerBind: PACED.perBind,
    receipts: { delayMs: 20 },
  });
  try {
    const app = await createBenchApp({
      databaseUrl,
      port: sim.port,
      account: {
        binds: { transceivers: PACED.binds },
        window: PACED.window,
        submitsPerSecond: PACED.perBind,
      },
      waitForBindMs: 10_000,
      module,
    });
    return {
      sim,
      app,
      stop: async () => {
        await app.close();
        await sim.stop();
      },
    };
  } catch (error) {
    await sim.stop();
    throw error;
  }
}
