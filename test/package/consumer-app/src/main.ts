import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { SmppService } from 'nestjs-smpp';
import { SimulatorHandle } from 'nestjs-smpp/testing';
import { AppModule, Seen } from './app.module.js';

async function until<T>(check: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const app = await NestFactory.create(AppModule, { logger: ['error'] });
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
const sim = app.get(SimulatorHandle);
const seen = app.get(Seen);

const sent = await fetch(`${base}/otp`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ to: '+6591234567', code: '123456' }),
});
const { id } = (await sent.json()) as { id: string };
const submit = await sim.waitForSubmit({ to: '+6591234567' });
const delivered = await until(
  () => seen.delivered.find((e) => e.messageId === id),
  'the delivered event',
);
const stored = await app.get(SmppService).getMessage(id);

const bad = await fetch(`${base}/otp/not-a-uuid`);
const badBody = (await bad.json()) as { errors?: Array<{ field: string }> };

await sim.injectMo({ account: 'otp', from: '6598765432', to: '12345', text: 'STOP' });
const inbound = await until(() => seen.inbound[0], 'the inbound event');

const simulatorPort = sim.port;
await app.close();

console.log(
  JSON.stringify({
    sentStatus: sent.status,
    submitText: submit.text,
    delivered: delivered.messageId === id,
    storedStatus: stored?.status,
    storedAccount: stored?.account,
    badStatus: bad.status,
    badFields: badBody.errors?.map((e) => e.field),
    inboundText: inbound.text,
    inboundAccount: inbound.account,
    simulatorPort,
  }),
);
