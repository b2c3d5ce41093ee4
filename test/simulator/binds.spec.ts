import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { CommandStatus } from '../../src/smpp/protocol/command-status.js';
import { PASSWORD, startSimulator, SYSTEM_ID } from './raw-client.js';

type Harness = Awaited<ReturnType<typeof startSimulator>>;
let h: Harness;

afterEach(async () => {
  await h?.cleanup();
});

describe('SmscSimulator binds', () => {
  it.each(['transmitter', 'receiver', 'transceiver'] as const)(
    'accepts bind_%s with the right *_resp and system_id 8x8sim',
    async (mode) => {
      h = await startSimulator();
      const client = await h.connect();
      const bindEvent = once(h.sim, 'bind');
      const resp = await client.bind(mode);
      expect(resp.command).toBe(`bind_${mode}_resp`);
      expect(resp.command_status).toBe(CommandStatus.ESME_ROK);
      expect(resp.system_id).toBe('8x8sim');
      const [info] = await bindEvent;
      expect(info).toMatchObject({ systemId: SYSTEM_ID, mode, tls: false });
      expect(h.sim.stats.bindsNow).toEqual({ total: 1, bySystemId: { [SYSTEM_ID]: 1 } });
      expect(h.sim.binds.map((b) => b.mode)).toEqual([mode]);
    },
  );

  it('refuses a wrong password with ESME_RINVPASWD and an unknown system_id with ESME_RINVSYSID', async () => {
    h = await startSimulator();
    const client = await h.connect();
    expect((await client.bind('transceiver', SYSTEM_ID, 'nope')).command_status).toBe(
      CommandStatus.ESME_RINVPASWD,
    );
    expect((await client.bind('transceiver', 'stranger', PASSWORD)).command_status).toBe(
      CommandStatus.ESME_RINVSYSID,
    );
    expect(h.sim.stats).toMatchObject({ bindAttempts: 2, refusedBinds: 2 });
    expect(h.sim.stats.bindsNow.total).toBe(0);
  });

  it('applies a password changed with setPassword to later binds', async () => {
    h = await startSimulator();
    h.sim.setPassword(SYSTEM_ID, 'newpw');
    const client = await h.connect();
    expect((await client.bind('transceiver')).command_status).toBe(CommandStatus.ESME_RINVPASWD);
    expect((await client.bind('transceiver', SYSTEM_ID, 'newpw')).command_status).toBe(0);
  });

  it('refuses a 5th bind of one system_id with ESME_RBINDFAIL and maxConcurrentBinds stays 4', async () => {
    h = await startSimulator({
      accounts: [
        { systemId: SYSTEM_ID, password: PASSWORD },
        { systemId: 'other', password: PASSWORD },
      ],
    });
    await h.bound('transmitter');
    await h.bound('receiver');
    await h.bound('transceiver');
    await h.bound('transceiver');
    const fifth = await h.connect();
    expect((await fifth.bind('transceiver')).command_status).toBe(CommandStatus.ESME_RBINDFAIL);
    // Another system_id has its own budget.
    await h.bound('transceiver', 'other');
    const stats = h.sim.stats;
    expect(stats.maxConcurrentBinds).toEqual({ [SYSTEM_ID]: 4, other: 1 });
    expect(stats.bindsNow.bySystemId[SYSTEM_ID]).toBe(4);
    expect(stats.refusedBinds).toBe(1);
  });

  it('frees a bind slot when a connection closes', async () => {
    h = await startSimulator({ maxBindsPerSystemId: 1 });
    const first = await h.bound('transceiver');
    const unbind = once(h.sim, 'unbind');
    await first.close();
    expect((await unbind)[0]).toMatchObject({ systemId: SYSTEM_ID, reason: 'client-closed' });
    await h.bound('transceiver');
    expect(h.sim.stats.maxConcurrentBinds[SYSTEM_ID]).toBe(1);
  });

  it('answers a second bind on a bound session with ESME_RALYBND', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    expect((await client.bind('transceiver')).command_status).toBe(CommandStatus.ESME_RALYBND);
    expect(h.sim.stats.bindsNow.total).toBe(1);
  });

  it('answers submit_sm and unbind before bind with ESME_RINVBNDSTS', async () => {
    h = await startSimulator();
    const client = await h.connect();
    const submit = await client.submit();
    expect(submit.command).toBe('submit_sm_resp');
    expect(submit.command_status).toBe(CommandStatus.ESME_RINVBNDSTS);
    expect((await client.request('unbind')).command_status).toBe(CommandStatus.ESME_RINVBNDSTS);
    expect(h.sim.submits).toHaveLength(0);
  });

  it('refuses every bind with the refuseBinds status until cleared', async () => {
    h = await startSimulator();
    h.sim.refuseBinds(CommandStatus.ESME_RBINDFAIL);
    const client = await h.connect();
    expect((await client.bind('transceiver')).command_status).toBe(CommandStatus.ESME_RBINDFAIL);
    h.sim.refuseBinds(CommandStatus.ESME_RSYSERR);
    expect((await client.bind('transceiver')).command_status).toBe(CommandStatus.ESME_RSYSERR);
    h.sim.refuseBinds(null);
    expect((await client.bind('transceiver')).command_status).toBe(0);
    expect(h.sim.stats).toMatchObject({ bindAttempts: 3, refusedBinds: 2 });
  });

  it('answers enquire_link and unbind, then closes the connection', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    const link = await client.request('enquire_link');
    expect(link.command).toBe('enquire_link_resp');
    expect(h.sim.stats.enquireLinksReceived).toBe(1);
    const unbindEvent = once(h.sim, 'unbind');
    const resp = await client.request('unbind');
    expect(resp.command).toBe('unbind_resp');
    expect(resp.command_status).toBe(0);
    await client.closed;
    expect((await unbindEvent)[0]).toMatchObject({ reason: 'unbind' });
    expect(h.sim.stats.bindsNow.total).toBe(0);
  });

  it.each(['submit_multi', 'data_sm', 'query_sm', 'cancel_sm', 'replace_sm'])(
    'answers %s (not supported by 8x8) with generic_nack ESME_RINVCMDID',
    async (command) => {
      h = await startSimulator();
      const client = await h.bound('transceiver');
      const resp = await client.request(command, {
        message_id: 'x',
        short_message: Buffer.from('x'),
      });
      expect(resp.command).toBe('generic_nack');
      expect(resp.command_status).toBe(CommandStatus.ESME_RINVCMDID);
    },
  );

  it('answers an unknown command id with generic_nack ESME_RINVCMDID', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    const raw = Buffer.alloc(16);
    raw.writeUInt32BE(16, 0);
    raw.writeUInt32BE(0x00000777, 4);
    raw.writeUInt32BE(0, 8);
    raw.writeUInt32BE(42, 12);
    client.session.socket.write(raw);
    const nack = await client.next((p) => p.command === 'generic_nack');
    expect(nack.sequence_number).toBe(42);
    expect(nack.command_status).toBe(CommandStatus.ESME_RINVCMDID);
    expect(h.sim.stats.genericNacksSent).toBe(1);
  });

  it('sends enquire_link to an idle bind and drops a bind that does not answer it', async () => {
    h = await startSimulator({ enquireLinkMs: 30 });
    const good = await h.bound('transceiver');
    const mute = await h.bound('transceiver');
    mute.answerEnquireLink = false;
    await good.next((p) => p.command === 'enquire_link');
    await mute.closed;
    expect(good.isClosed()).toBe(false);
    expect(h.sim.stats.enquireLinksSent).toBeGreaterThanOrEqual(2);
  });

  it('sends unbind on sendUnbind and closes after unbind_resp', async () => {
    h = await startSimulator();
    const client = await h.bound('transceiver');
    client.session.on('unbind', (pdu: { response(): never }) =>
      client.session.send(pdu.response()),
    );
    expect(h.sim.sendUnbind()).toBe(1);
    await client.closed;
    await h.sim.waitFor((s) => s.bindsNow.total === 0, 1000, 'bind released');
  });
});
