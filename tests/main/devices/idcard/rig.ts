// The reader and its simulator joined by a real tty: a socat pseudo-terminal pair, the
// simulator on one end and the driver on the other, both opened with node-serialport,
// answers paced at the line speed. Everything is closed after each test.
import { afterEach } from 'vitest';
import {
  type IdCardReader as Reader,
  IdCardReader,
  type ReaderOptions,
} from '../../../../src-main/devices/idcard/driver.ts';
import { CardReaderEmulator, type EmulatorOptions } from '../../../../src-main/devices/idcard/simulator.ts';
import { openPtyPair, type PtyPair } from '../../../../src-main/devices/pty-pair.ts';
import { openSerialTransport } from '../../../../src-main/devices/serial-transport.ts';
import { createTransportPair } from '../../../../src-main/devices/transport.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** Runs `close` after the test (last in, first out), swallowing what a closed thing says. */
export function onCleanup(close: () => Promise<unknown>): void {
  cleanups.push(async () => {
    await close().catch(() => undefined);
  });
}

export interface Rig {
  pty: PtyPair;
  emulator: CardReaderEmulator;
  reader: Reader;
  /** The driver's end of the pair. */
  port: string;
}

/** The simulator on one end of a pty pair; the other end (`port`) left for whoever opens it. */
export async function simulatorOnPty(options: { baudRate?: number; emulator?: EmulatorOptions } = {}) {
  const pty = await openPtyPair();
  onCleanup(() => pty.close());
  const deviceEnd = await openSerialTransport(pty.paths[0], { baudRate: options.baudRate ?? 115200 });
  const emulator = new CardReaderEmulator(deviceEnd, { unplug: () => void pty.close(), ...options.emulator });
  onCleanup(() => emulator.close());
  return { pty, emulator, port: pty.paths[1] };
}

export async function ptyRig(
  options: { baudRate?: number; reader?: ReaderOptions; emulator?: EmulatorOptions } = {},
): Promise<Rig> {
  const baudRate = options.baudRate ?? 115200;
  const { pty, emulator } = await simulatorOnPty(options);
  const hostEnd = await openSerialTransport(pty.paths[1], { baudRate, device: 'idCardReader' });
  const reader = new IdCardReader(hostEnd, options.reader);
  onCleanup(() => reader.close());
  return { pty, emulator, reader, port: pty.paths[1] };
}

/** The same without a tty: the in-process pair (fast, for tables of status codes). */
export function inProcessRig(options: { reader?: ReaderOptions; emulator?: EmulatorOptions } = {}) {
  const pair = createTransportPair({ device: 'idCardReader' });
  const emulator = new CardReaderEmulator(pair.device, { unplug: () => pair.unplug(), ...options.emulator });
  const reader = new IdCardReader(pair.host, options.reader);
  onCleanup(() => reader.close());
  onCleanup(() => emulator.close());
  return { emulator, reader, pair };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { code?: string; params?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
