// The reader driver against the simulator over a real tty (socat pty pair, node-serialport
// on both ends, answers paced at 115200 baud): every card type of the deck, and every
// fault — no card, damaged checksums, a torn frame, a late answer to another command,
// noise, a slow and a silent SAM, a cable pulled mid-read, a SAM that fails its self-test,
// a port with something else on it. Each ends in an answer or a clear error, never a hang.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../../../src-main/common/i18n/index.ts';
import { DECK } from '../../../../src-main/devices/idcard/deck.ts';
import { IdCardReader } from '../../../../src-main/devices/idcard/driver.ts';
import { SIMULATOR_SAM_ID } from '../../../../src-main/devices/idcard/simulator.ts';
import { openSerialTransport } from '../../../../src-main/devices/serial-transport.ts';
import { openPtyPair } from '../../../../src-main/devices/pty-pair.ts';
import { onCleanup, ptyRig, rejection } from './rig.ts';

const elapsed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
};

describe('the ID card reader driver over a pty', () => {
  it('asks the SAM for its status and id, and resets it', async () => {
    const { reader } = await ptyRig();
    await reader.samStatus();
    expect(await reader.samId()).toBe(SIMULATOR_SAM_ID);
    await reader.resetSam();
  });

  it('reads every card of the deck, whole: text, photo bytes, and nothing partial', async () => {
    const { reader, emulator } = await ptyRig();
    for (const card of DECK) {
      emulator.place(card);
      const read = await reader.readCard();
      const { photo, fingerprint, ...text } = read.identity;
      expect(text).toEqual(card.text);
      expect(photo).toEqual({ present: true });
      expect(fingerprint).toEqual({ present: false });
      expect(read.photo).toEqual(card.photo);
      expect(read.fingerprints).toBeUndefined();
    }
    expect(emulator.received.filter((c) => c === 'read')).toHaveLength(DECK.length);
  });

  it('reads fingerprints with 30 10 and the appended address with 30 03 (and none where the card has none)', async () => {
    const { reader, emulator } = await ptyRig();
    const withExtras = emulator.place(1);
    const read = await reader.readCard({ fingerprint: true, appendedAddress: true });
    expect(read.identity.fingerprint).toEqual({ present: true });
    expect(read.fingerprints).toEqual(withExtras.fingerprints);
    expect(read.identity.appendedAddress).toBe(withExtras.appendedAddress);
    emulator.place(2);
    const plain = await reader.readCard({ fingerprint: true, appendedAddress: true });
    expect(plain.identity.fingerprint).toEqual({ present: false });
    expect(plain.identity.appendedAddress).toBeUndefined();
    expect(emulator.received).toContain('readWithFingerprint');
    expect(emulator.received).toContain('readAppendedAddress');
  });

  it('no card: find says so, and a read is idcard.noCard with what the clerk should do', async () => {
    const { reader } = await ptyRig();
    expect(await reader.findCard()).toBe(false);
    const error = await rejection(reader.readCard());
    expect(error.code).toBe('idcard.noCard');
    expect(errorMessage(error.code!)).toContain('请将身份证');
  });

  it('a damaged checksum is sent for again at once; damage on every try is idcard.transmission', async () => {
    const { reader, emulator } = await ptyRig();
    emulator.place(3);
    emulator.inject({ kind: 'checksum', count: 1 });
    const [read] = await elapsed(() => reader.readCard());
    expect(read.identity.name).toBe('陈小明');
    expect(reader.stats.framesRejected).toBe(1);
    expect(reader.stats.resends).toBe(1);

    emulator.inject({ kind: 'checksum', count: 3 });
    const error = await rejection(reader.findCard());
    expect(error.code).toBe('idcard.transmission');
  });

  it('a torn frame is given up when the line goes quiet, and the command sent again', async () => {
    const { reader, emulator } = await ptyRig({ reader: { timeouts: { read: 300 } } });
    emulator.place(4);
    expect(await reader.findCard()).toBe(true);
    await reader.selectCard();
    emulator.inject({ kind: 'torn' });
    const [read, ms] = await elapsed(() => reader.readSelected(new Uint8Array(8)));
    expect(read.identity.name).toBe('阿依古丽·买买提');
    expect(reader.stats.resends).toBe(1);
    expect(ms).toBeLessThan(2000);
  });

  it('a late answer to another command is dropped, never taken for this one', async () => {
    const { reader, emulator } = await ptyRig({ reader: { timeouts: { findCard: 300, selectCard: 300 } } });
    emulator.place(5);
    emulator.inject({ kind: 'stale', count: 2 });
    expect(await reader.findCard()).toBe(true); // a select answer came first
    const serial = await reader.selectCard(); // a find answer came first
    expect(serial).toHaveLength(8);
    expect(serial.some((b) => b !== 0)).toBe(true);
    expect(reader.stats.framesDropped).toBe(2);
    expect((await reader.readSelected(serial)).identity.name).toBe('林𠮷');
  });

  it('noise before an answer is skipped', async () => {
    const { reader, emulator } = await ptyRig();
    emulator.place(6);
    emulator.inject({ kind: 'garbage', bytes: 300 });
    expect((await reader.readCard()).identity.cardType).toBe('hkMacauTaiwan');
  });

  it('a slow SAM within the timeout is waited for; a silent one is device.timeout after the bounded tries', async () => {
    const { reader, emulator } = await ptyRig({ reader: { timeouts: { findCard: 400 }, retries: 2 } });
    emulator.place(7);
    emulator.inject({ kind: 'slow', delayMs: 250 });
    const [found, slowMs] = await elapsed(() => reader.findCard());
    expect(found).toBe(true);
    expect(slowMs).toBeGreaterThanOrEqual(240);
    emulator.clearFaults();

    emulator.inject({ kind: 'silent', count: 3 });
    const [error, silentMs] = await elapsed(() => rejection(reader.findCard()));
    expect(error.code).toBe('device.timeout');
    expect(errorMessage(error.code!, { device: 'idCardReader' })).toContain('身份证阅读器没有应答');
    // Three tries of 400 ms (and the line time of a find answer), then the answer.
    expect(silentMs).toBeGreaterThanOrEqual(1150);
    expect(silentMs).toBeLessThan(3000);
    // The reader answers again afterwards.
    expect(await reader.findCard()).toBe(true);
  });

  it('a cable pulled mid-read is device.gone at once, for that command and every later one', async () => {
    const { reader, emulator, pty } = await ptyRig();
    emulator.place(8);
    emulator.inject({ kind: 'unplug' });
    const [error, ms] = await elapsed(() => rejection(reader.readCard()));
    expect(error.code).toBe('device.gone');
    expect(errorMessage(error.code!, { device: 'idCardReader' })).toContain('身份证阅读器已断开');
    // Well before the read's own timeout (1.5 s): the port's close, or its device file vanishing, said so.
    expect(ms).toBeLessThan(1000);
    await pty.exited;
    const [again, againMs] = await elapsed(() => rejection(reader.findCard()));
    expect(again.code).toBe('device.gone');
    expect(againMs).toBeLessThan(100);
    expect(reader.connected).toBe(false);
  });

  it('a SAM that fails its self-test: status, find and read all say so', async () => {
    const { reader, emulator } = await ptyRig();
    emulator.place(1);
    emulator.inject({ kind: 'samFailure' });
    for (const call of [() => reader.samStatus(), () => reader.findCard(), () => reader.readCard()]) {
      const error = await rejection(call());
      expect(error.code).toBe('idcard.samSelfTestFailed');
    }
    expect(errorMessage('idcard.samSelfTestFailed')).toMatch(/^读卡器安全模块自检失败.*联系运维人员/);
  });

  it('a port with something else on it: noise is idcard.badResponse, silence device.timeout', async () => {
    const pty = await openPtyPair();
    onCleanup(() => pty.close());
    const other = await openSerialTransport(pty.paths[0]);
    onCleanup(() => other.close());
    let noisy = true;
    other.onData(() => {
      if (noisy) void other.write(new TextEncoder().encode('OK\r\n+CME ERROR: 10\r\n'));
    });
    const reader = new IdCardReader(await openSerialTransport(pty.paths[1], { device: 'idCardReader' }), {
      timeouts: { samStatus: 200 },
    });
    onCleanup(() => reader.close());
    expect((await rejection(reader.samStatus())).code).toBe('idcard.badResponse');
    noisy = false;
    expect((await rejection(reader.samStatus())).code).toBe('device.timeout');
  });

  it('a port that does not exist, and one another program holds, are said to be so', async () => {
    const missing = await rejection(openSerialTransport('/dev/tongban-no-such-port'));
    expect(missing.code).toBe('device.portNotFound');
    expect(errorMessage(missing.code!, missing.params as Record<string, string>)).toContain(
      '/dev/tongban-no-such-port',
    );
    const { pty } = await ptyRig();
    const busy = await rejection(openSerialTransport(pty.paths[1]));
    expect(busy.code).toBe('device.portBusy');
  });
});

// node-serialport is what the transport is built on; a broken native build would fail
// every test above for a reason none of them names.
it('has the serialport binding for this Node', () => {
  const require = createRequire(import.meta.url);
  expect(() => require('@serialport/bindings-cpp')).not.toThrow();
});
