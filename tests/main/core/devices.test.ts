// The device registry (core/devices.ts) with the ID card reader on a real pty that comes
// and goes: socat makes the pair at fixed link paths, the simulator answers on one end,
// and the registry, configured with the other end's path, finds it, reads cards, notices
// it vanish and finds it again — all on the health board, without a restart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, type HallConfig } from '../../../src-main/common/hall-config.ts';
import type { HealthSnapshot } from '../../../src-main/common/health.ts';
import { createStreamLogger } from '../../../src-main/core/log.ts';
import { DeviceRegistry, ID_CARD_READER, type IdCardEvent } from '../../../src-main/core/devices.ts';
import { HealthBoard } from '../../../src-main/core/health.ts';
import { DECK } from '../../../src-main/devices/idcard/deck.ts';
import { bmpFromBgr } from '../../../src-main/devices/idcard/photo.ts';
import { CardReaderEmulator } from '../../../src-main/devices/idcard/simulator.ts';
import { openPtyPair } from '../../../src-main/devices/pty-pair.ts';
import { openSerialTransport } from '../../../src-main/devices/serial-transport.ts';
import { bootTestCore, LogCapture, tempDir, TestClock } from '../helpers.ts';
import { onCleanup } from '../devices/idcard/rig.ts';
import { compileLibrary, ensureAddon, expectedBgr, FakeTermb } from '../devices/native/rig.ts';

beforeAll(ensureAddon, 600_000);

const none = { transport: 'none' } as const;
const devicesWith = (idCardReader: HallConfig['devices']['idCardReader']): HallConfig['devices'] => ({
  idCardReader,
  receiptPrinter: none,
  documentCamera: none,
  counterCamera: none,
});

async function eventually(what: () => boolean, ms = 5000): Promise<void> {
  const end = performance.now() + ms;
  while (!what()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function startRegistry(
  idCardReader: HallConfig['devices']['idCardReader'],
  reader?: { samStatus: number },
  sdkTimeouts?: { find: number },
) {
  const health = new HealthBoard(new TestClock());
  const states: string[] = [];
  health.subscribe((snapshot) => {
    const entry = snapshot.entries.find((e) => e.id === ID_CARD_READER);
    if (entry) states.push(`${entry.state}:${entry.reason ?? ''}`);
  });
  const events: IdCardEvent[] = [];
  const registry = DeviceRegistry.start({
    config: devicesWith(idCardReader),
    health,
    logger: createStreamLogger(new LogCapture(), 'debug'),
    clock: new TestClock(),
    pollMs: 100,
    presence: { intervalMs: 40 },
    ...(reader ? { reader: { timeouts: reader } } : {}),
    ...(sdkTimeouts ? { vendorSdk: { timeouts: sdkTimeouts } } : {}),
  });
  registry.onIdCard((event) => events.push(event));
  onCleanup(() => registry.close());
  const last = () => states.at(-1);
  return { registry, health, states, events, last };
}

/** A socat pair at fixed paths with the simulator on the `sim` end. */
async function plugIn(dir: string) {
  const pty = await openPtyPair({ links: [join(dir, 'reader'), join(dir, 'sim')] });
  onCleanup(() => pty.close());
  const emulator = new CardReaderEmulator(await openSerialTransport(pty.paths[1]), { unplug: () => void pty.close() });
  onCleanup(() => emulator.close());
  return { pty, emulator };
}

const names = (events: IdCardEvent[]) =>
  events.map((e) =>
    e.kind === 'read' ? `read:${e.identity.name}` : e.kind === 'unreadable' ? `unreadable:${e.error.code}` : e.kind,
  );

describe('the device registry', () => {
  it('finds a serial reader when its port appears, reads cards, and finds it again after it is pulled out', async () => {
    const dir = tempDir();
    const port = join(dir, 'reader');
    const { states, events, last } = startRegistry({ transport: 'serial', serial: { path: port, baudRate: 115200 } });
    await eventually(() => last() === 'absent:notConnected');

    const first = await plugIn(dir);
    await eventually(() => last() === 'ready:noCard');
    first.emulator.place(2);
    await eventually(() => events.length === 1);
    const [read] = events;
    expect(read).toMatchObject({
      kind: 'read',
      identity: { name: '李秀英', cardType: 'resident' },
      checks: { findings: [] },
    });
    expect(read!.kind === 'read' && read!.photo).toEqual(first.emulator.card!.photo);
    await eventually(() => last() === 'ready:cardPresent');
    expect(states).toContain('busy:reading');

    // Pulled out: absent at once, not after a timeout; the card it held is no longer known to lie there.
    const pulled = performance.now();
    await first.pty.close();
    await eventually(() => last() === 'absent:notConnected');
    expect(performance.now() - pulled).toBeLessThan(1000);
    await eventually(() => events.length === 2);
    expect(names(events)).toEqual(['read:李秀英', 'removed']);

    // Plugged in again at the same path: found by the next poll, no restart.
    const second = await plugIn(dir);
    await eventually(() => last() === 'ready:noCard');
    second.emulator.place(3);
    await eventually(() => events.length === 3);
    expect(names(events)).toEqual(['read:李秀英', 'removed', 'read:陈小明']);
    // The hall's day is the clock's (2026-11-25): this card expired in 2021.
    expect(events[2]!.kind === 'read' && events[2]!.checks.findings.map((f) => f.ruleId)).toEqual(['card.expired']);
    second.emulator.remove();
    await eventually(() => events.length === 4);
    expect(names(events).at(-1)).toBe('removed');
    await eventually(() => last() === 'ready:noCard');
  });

  it('shows a SAM that fails its self-test as an error, and recovers when it passes again', async () => {
    const dir = tempDir();
    const { last } = startRegistry({ transport: 'serial', serial: { path: join(dir, 'reader'), baudRate: 115200 } });
    const { emulator } = await plugIn(dir);
    await eventually(() => last() === 'ready:noCard');
    emulator.inject({ kind: 'samFailure' });
    await eventually(() => last() === 'error:samFault');
    emulator.clearFaults();
    await eventually(() => last() === 'ready:noCard');
  });

  it('shows a port where nothing answers as an error (timeout), and a missing one as absent', async () => {
    const dir = tempDir();
    const pty = await openPtyPair({ links: [join(dir, 'reader'), join(dir, 'nothing')] });
    onCleanup(() => pty.close());
    const { health, last } = startRegistry(
      { transport: 'serial', serial: { path: join(dir, 'reader'), baudRate: 115200 } },
      { samStatus: 100 },
    );
    await eventually(() => last() === 'error:timeout');
    expect(health.snapshot().entries.find((e) => e.id === ID_CARD_READER)?.detail).toContain('samStatus');
  });

  it('tries a port that is there but keeps failing less and less often, and at once when it is plugged in again', async () => {
    const dir = tempDir();
    const pty = await openPtyPair({ links: [join(dir, 'reader'), join(dir, 'other')] });
    onCleanup(() => pty.close());
    // Whatever is on the other end (not a reader) counts the frames it is sent: 10 bytes each.
    const other = await openSerialTransport(join(dir, 'other'), { baudRate: 115200 });
    onCleanup(() => other.close());
    let bytes = 0;
    other.onData((chunk) => (bytes += chunk.length));
    const { last } = startRegistry(
      { transport: 'serial', serial: { path: join(dir, 'reader'), baudRate: 115200 } },
      { samStatus: 100 },
    );
    await eventually(() => last() === 'error:timeout');
    await new Promise((resolve) => setTimeout(resolve, 5000));
    // Each try is the status command and its two resends (~330 ms). Polled every 100 ms, 5 s
    // would hold about 12 tries; waiting 100, 200, 400, 800, 1600 ms … holds at most 6.
    const tries = bytes / 30;
    expect(tries).toBeGreaterThanOrEqual(3);
    expect(tries).toBeLessThanOrEqual(7);

    // Pulled out and a reader plugged in at the same path: found by the next poll, not after the wait.
    await other.close();
    await pty.close();
    await eventually(() => last() === 'absent:notConnected');
    await plugIn(dir);
    const plugged = performance.now();
    await eventually(() => last() === 'ready:noCard');
    expect(performance.now() - plugged).toBeLessThan(1500);
  });

  it('says when no reader is configured', async () => {
    expect(startRegistry(none).last()).toBe('absent:notConfigured');
  });

  it('drives a reader through its vendor SDK: waits for it, reads cards with the SDK’s photo, finds it again', async () => {
    const termb = new FakeTermb({ init: 0 });
    const { events, last, health } = startRegistry({
      transport: 'vendor-sdk',
      vendorSdk: { library: termb.library, port: 1001 },
    });
    const detail = () => health.snapshot().entries.find((e) => e.id === ID_CARD_READER)?.detail ?? '';
    await eventually(() => detail().includes('CVR_InitComm(1001) returned 0'));
    expect(last()).toBe('absent:notConnected');

    termb.set({ init: 1 });
    await eventually(() => last() === 'ready:noCard');
    const bmp = bmpFromBgr(new Uint8Array(102 * 126 * 3).fill(0x80), 102, 126);
    writeFileSync(join(termb.dir, 'zp.bmp'), bmp);
    termb.place(DECK[1]!.text, { bmpFile: join(termb.dir, 'zp.bmp') });
    await eventually(() => events.length === 1);
    expect(events[0]).toMatchObject({
      kind: 'read',
      identity: { name: '李秀英', cardType: 'resident', photo: { present: true } },
      checks: { findings: [] },
      photo: undefined,
      photoImage: { mediaType: 'image/bmp', width: 102, height: 126, bytes: bmp },
    });
    await eventually(() => last() === 'ready:cardPresent');
    termb.remove();
    await eventually(() => events.length === 2);
    expect(names(events)).toEqual(['read:李秀英', 'removed']);

    // An answer the SDK does not document ends the run; the reader is opened again.
    termb.set({ auth: -3 });
    await eventually(() => last() === 'error:protocolError');
    termb.set({ init: 0 });
    await eventually(() => last() === 'absent:notConnected');
    termb.set({});
    await eventually(() => last() === 'ready:noCard');
    expect(termb.calls().filter((call) => call.startsWith('CVR_InitComm 1001')).length).toBeGreaterThan(2);
  });

  it('a vendor SDK that hangs shows as timeout without stalling the core, and comes back when it returns', async () => {
    const termb = new FakeTermb();
    const { last } = startRegistry(
      { transport: 'vendor-sdk', vendorSdk: { library: termb.library, port: 1001 } },
      undefined,
      { find: 200 },
    );
    await eventually(() => last() === 'ready:noCard');
    termb.set({ hang: { CVR_Authenticate: 1500 } });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await eventually(() => last() === 'error:timeout');
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(5);
    termb.set({});
    await eventually(() => last() === 'ready:noCard', 8000);
  });

  it('a vendor SDK that cannot be loaded is an error the installer can act on', async () => {
    const missing = startRegistry({
      transport: 'vendor-sdk',
      vendorSdk: { library: '/opt/none/libtermb.so', port: 1001 },
    });
    await eventually(() => missing.last() === 'error:driverUnavailable');
    expect(missing.health.snapshot().entries.find((e) => e.id === ID_CARD_READER)?.detail).toContain(
      '/opt/none/libtermb.so',
    );
    const notAnSdk = startRegistry({
      transport: 'vendor-sdk',
      vendorSdk: { library: compileLibrary('fake-wlt'), port: 1001 },
    });
    await eventually(() => notAnSdk.last() === 'error:driverUnavailable');
  });

  it('decodes the photo with the hall’s decoder; without one, or with a broken one, says why and reads on', async () => {
    const decoded = startRegistry({
      transport: 'simulated',
      photoDecoder: { library: compileLibrary('fake-wlt'), unpackFlag: 0 },
    });
    await eventually(() => decoded.last() === 'ready:noCard');
    decoded.registry.idCardSimulator!.place(1);
    await eventually(() => decoded.events.length === 1);
    const read = decoded.events[0]!;
    expect(read.kind === 'read' && read.photoImage).toEqual({
      mediaType: 'image/bmp',
      width: 102,
      height: 126,
      bytes: bmpFromBgr(expectedBgr(DECK[0]!.photo), 102, 126),
    });
    expect(read.kind === 'read' && read.photoProblem).toBeUndefined();

    const plain = startRegistry({ transport: 'simulated' });
    await eventually(() => plain.last() === 'ready:noCard');
    plain.registry.idCardSimulator!.place(1);
    await eventually(() => plain.events.length === 1);
    expect(plain.events[0]).toMatchObject({ kind: 'read', photoProblem: { code: 'idcard.photoDecoderNotConfigured' } });
    expect(plain.events[0]!.kind === 'read' && plain.events[0]!.photoImage).toBeUndefined();

    const broken = startRegistry({
      transport: 'simulated',
      photoDecoder: { library: '/opt/none/libwlt.so', unpackFlag: 0 },
    });
    await eventually(() => broken.last() === 'ready:noCard');
    expect(broken.health.snapshot().entries.find((e) => e.id === ID_CARD_READER)?.detail).toMatch(
      /^photo decoder unusable, photos are not shown: .*libwlt\.so/,
    );
    broken.registry.idCardSimulator!.place(1);
    await eventually(() => broken.events.length === 1);
    expect(broken.events[0]).toMatchObject({
      kind: 'read',
      identity: { name: DECK[0]!.text.name },
      photoProblem: { code: 'idcard.photoDecoderMissing' },
    });
  });

  it('reports nothing and leaves no timer after close', async () => {
    const dir = tempDir();
    const { registry, states } = startRegistry({
      transport: 'serial',
      serial: { path: join(dir, 'reader'), baudRate: 115200 },
    });
    await eventually(() => states.length > 0);
    await registry.close();
    const count = states.length;
    await plugIn(dir);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(states).toHaveLength(count);
  });

  it('the demo profile reads from the simulator in this process, placed and removed through the registry', async () => {
    expect(demoConfig().devices.idCardReader).toEqual({ transport: 'simulated' });
    const { registry, events, last } = startRegistry({ transport: 'simulated' });
    await eventually(() => last() === 'ready:noCard');
    registry.idCardSimulator!.place(8);
    await eventually(() => events.length === 1);
    expect(events[0]).toMatchObject({
      kind: 'read',
      identity: { cardType: 'foreignPermanent2023', nationality: 'DEU' },
    });
    registry.idCardSimulator!.remove();
    await eventually(() => events.length === 2);
  });

  it('the hall core runs it: the demo reader on the health board, closed with the core', async () => {
    const { core } = await bootTestCore();
    const events: IdCardEvent[] = [];
    const board: string[] = [];
    core.devices.onIdCard((event) => events.push(event));
    const connection = core.openConnection((message) => {
      if (message.name !== 'health.changed') return;
      const entry = (message.payload as HealthSnapshot).entries.find((e) => e.id === ID_CARD_READER);
      if (entry) board.push(`${entry.state}:${entry.reason ?? ''}`);
    });
    core.devices.idCardSimulator!.place(4);
    await eventually(() => events.length === 1, 8000);
    expect(events[0]).toMatchObject({ kind: 'read', identity: { name: '阿依古丽·买买提' } });
    await eventually(() => board.at(-1) === 'ready:cardPresent');
    connection.close();
    await core.close();
  });
});
