// The simulator in its own process, so that it never shares an event loop with what is measured.
// Started by SimProcess (sim-control.ts); driven over the IPC channel.
import { SmscSimulator, type SmscSimulatorOptions } from '../src/simulator/index.js';

export type SimCommand =
  | { cmd: 'stats' }
  | { cmd: 'resetStats' }
  | { cmd: 'clearSubmits' }
  | { cmd: 'submitCount' }
  | { cmd: 'duplicates' }
  | { cmd: 'submitTimes'; marker: string }
  | { cmd: 'setSubmitsPerSecond'; limit: number }
  | { cmd: 'refuseBinds'; status: number | null }
  | { cmd: 'elu' }
  | { cmd: 'stop' };

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as SmscSimulatorOptions;
  const sim = new SmscSimulator(options);
  await sim.start();

  let lastElu = performance.eventLoopUtilization();
  const run = async (c: SimCommand): Promise<unknown> => {
    switch (c.cmd) {
      case 'stats':
        return sim.stats;
      case 'resetStats':
        return sim.resetStats();
      case 'clearSubmits':
        return sim.clearSubmits();
      case 'submitCount':
        return sim.submitCount;
      case 'duplicates':
        return sim.duplicateSubmits().length;
      case 'submitTimes':
        // [text, epoch ms] of the accepted submits whose text contains the marker.
        return sim.submits
          .filter((s) => s.text.includes(c.marker))
          .map((s) => [s.text, s.at.getTime()]);
      case 'setSubmitsPerSecond':
        return sim.setSubmitsPerSecond(c.limit);
      case 'refuseBinds':
        return sim.refuseBinds(c.status);
      case 'elu': {
        const now = performance.eventLoopUtilization();
        const d = performance.eventLoopUtilization(now, lastElu);
        lastElu = now;
        return { utilization: d.utilization, cpu: process.cpuUsage() };
      }
      case 'stop':
        await sim.stop();
        setImmediate(() => process.exit(0));
        return null;
    }
  };

  process.on('message', (message: { id: number; command: SimCommand }) => {
    run(message.command).then(
      (result) => process.send?.({ id: message.id, result: result ?? null }),
      (error: Error) => process.send?.({ id: message.id, error: error.message }),
    );
  });
  // The parent went away: nothing left to serve.
  process.on('disconnect', () => void sim.stop().finally(() => process.exit(0)));
  process.send?.({ ready: true, port: sim.port });
}

main().catch((error: Error) => {
  console.error(`simulator process: ${error.message}`);
  process.exit(1);
});
