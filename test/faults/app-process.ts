/**
 * The application as a process of its own, for the SIGKILL scenario: boots the module the way an
 * application does (TypeORM on Postgres, SmppModule bound to the simulator), then sends what the
 * parent asks for, reporting each message once send() resolved (durably queued). The parent kills
 * it with SIGKILL mid-stream and starts another one on the same database.
 *
 * Config: FAULT_CHILD (JSON of ChildConfig). IPC in: { send: MarkedMessage[], perSecond } |
 * { stop: true } | { health: n }. IPC out: { ready }, { sent: i, id }, { done }, { health: n,
 * status, ... } (the SMPP health), { event: name, eventId, receiptId? } (with recordEvents).
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SMPP_MIGRATIONS } from '../../migrations/index.js';
import { SMPP_ENTITIES } from '../../src/smpp/entities/index.js';
import { BindManager } from '../../src/smpp/binds/bind-manager.js';
import { evaluateBindHealth } from '../../src/smpp/health/bind-health.js';
import { SmppModule } from '../../src/smpp/smpp.module.js';
import { SmppService } from '../../src/smpp/smpp.service.js';

export interface ChildConfig {
  databaseUrl: string;
  simPort: number;
  instanceId: string;
  claimLeaseMs: number;
  bindLeaseMs: number;
  transceivers: number;
  maxBinds: number;
  /** Report every SMPP event over IPC (EventEmitterModule installed). */
  recordEvents?: boolean;
  /** submit_sm response timeout (default 2 000 ms). */
  responseTimeoutMs?: number;
  /** Outstanding submits per bind (default: the module's, 10). */
  window?: number;
  /** Say `ready` only once the SMPP health is no longer down (as a readiness probe would). */
  waitUntilReady?: boolean;
}

interface Item {
  i: number;
  to: string;
  text: string;
  clientRef: string;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.FAULT_CHILD ?? '{}') as ChildConfig;

  @Module({
    imports: [
      ...(config.recordEvents ? [EventEmitterModule.forRoot({ wildcard: true })] : []),
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: config.databaseUrl,
        entities: SMPP_ENTITIES,
        migrations: SMPP_MIGRATIONS,
        migrationsRun: true,
        logging: false,
      }),
      SmppModule.forRoot({
        accounts: [
          {
            name: 'default',
            systemId: 'smppuser',
            password: 'secret',
            host: '127.0.0.1',
            port: config.simPort,
            tls: false,
            defaultSender: 'FaultTest',
            binds: { transceivers: config.transceivers },
            maxBinds: config.maxBinds,
            responseTimeoutMs: config.responseTimeoutMs ?? 2_000,
            ...(config.window === undefined ? {} : { window: config.window }),
            connectTimeoutMs: 2_000,
            unbindTimeoutMs: 1_000,
          },
        ],
        reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
        instanceId: config.instanceId,
        claimLeaseMs: config.claimLeaseMs,
        // The default allocator: bind leases in Postgres, which a killed process leaves behind.
        bindAllocator: 'postgres',
        bindLease: { leaseMs: config.bindLeaseMs },
      }),
    ],
  })
  class ChildModule {}

  const app = await NestFactory.createApplicationContext(ChildModule, {
    logger: process.env.SMPP_TEST_LOGS ? ['log', 'warn', 'error'] : ['error'],
  });
  const smpp = app.get(SmppService);
  const send = (m: unknown): void => {
    process.send?.(m);
  };
  const health = () => evaluateBindHealth(app.get(BindManager).status());
  if (config.recordEvents) {
    app.get(EventEmitter2).onAny((name: string | string[], payload: unknown) => {
      const p = payload as { eventId?: string; receiptId?: string };
      send({ event: String(name), eventId: p.eventId, receiptId: p.receiptId });
    });
  }

  process.on(
    'message',
    (message: { send?: Item[]; perSecond?: number; stop?: boolean; health?: number }) => {
      if (message.health !== undefined) {
        send({ health: message.health, ...health() });
        return;
      }
      if (message.stop) {
        void app.close().then(() => process.exit(0));
        return;
      }
      const items = message.send ?? [];
      const perSecond = message.perSecond ?? 200;
      void (async () => {
        const started = Date.now();
        const pending: Promise<void>[] = [];
        for (let k = 0; k < items.length; k++) {
          const wait = started + (k * 1000) / perSecond - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const m = items[k];
          pending.push(
            smpp.send({ to: m.to, text: m.text, clientRef: m.clientRef }).then(
              (sent) => send({ sent: m.i, id: sent.id }),
              (error: Error) => send({ failed: m.i, error: error.message }),
            ),
          );
        }
        await Promise.all(pending);
        send({ done: true });
      })();
    },
  );
  if (config.waitUntilReady) {
    const since = Date.now();
    let said = false;
    while (health().status === 'down') {
      if (!said && Date.now() - since > 10_000) {
        said = true;
        console.error(`${config.instanceId} not ready yet: ${health().problems.join('; ')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  send({ ready: true, pid: process.pid });
}

main().catch((error: Error) => {
  console.error(`fault app process: ${error.stack ?? error.message}`);
  process.exit(1);
});
