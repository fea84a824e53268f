// The serial line (node-serialport): USB-CDC readers (/dev/ttyACM*, COMn) and RS-232
// ones alike, 8N1, 115200 by default. Opened with an exclusive lock, so a second program
// on the same port is told so at once (device.portBusy) instead of stealing half the
// bytes. A port that vanishes while open (USB pulled, the pty's socat gone) is reported
// as gone, so drivers fail their pending command at once instead of waiting for a
// timeout: node-serialport closes it with `disconnected` when a read fails, and where the
// port is a device file we also look for the file (a hung-up tty can read as endless
// end-of-file instead of failing, and then only the next write would tell).
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { AppError } from '../common/errors.ts';
import { type ByteTransport, type DeviceWord, goneError, TransportEvents } from './transport.ts';

export const DEFAULT_BAUD_RATE = 115200;

/** How often an open port's device file is looked for, ms. */
const PATH_WATCH_MS = 250;

export interface SerialOptions {
  baudRate?: number;
  /** Which device this port serves, for the messages. */
  device?: DeviceWord;
}

/** node-serialport reports open failures as plain messages; these are the ones an installer can act on. */
function openError(path: string, error: Error): AppError {
  const message = error.message;
  const detail = `cannot open ${path}: ${message}`;
  if (/No such file|ENOENT|cannot find|File not found/i.test(message)) {
    return new AppError('device.portNotFound', detail, { port: path });
  }
  if (/Permission denied|EACCES|Access denied/i.test(message)) {
    return new AppError('device.permissionDenied', detail, { port: path });
  }
  if (/Cannot lock port|EBUSY|Resource busy|Access is denied/i.test(message)) {
    return new AppError('device.portBusy', detail, { port: path });
  }
  return new AppError('device.openFailed', detail, { port: path }, { cause: error });
}

class SerialTransport extends TransportEvents implements ByteTransport {
  private closing = false;
  private readonly watch: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly port: SerialPort,
    readonly description: string,
    readonly baudRate: number,
    private readonly device: DeviceWord,
  ) {
    super();
    port.on('data', (chunk: Buffer) => this.emitData(chunk));
    port.on('close', (error?: Error & { disconnected?: boolean }) => {
      clearInterval(this.watch);
      if (this.closing) return;
      this.closing = true;
      this.emitGone(goneError(device, description, error?.message ?? 'the port closed'));
    });
    if (description.startsWith('/')) {
      this.watch = setInterval(() => {
        if (!existsSync(description)) this.goneAfterFailure(goneError(device, description, 'the device file vanished'));
      }, PATH_WATCH_MS);
      this.watch.unref();
    }
    // Errors after open are read or write failures of a line that is going away; the
    // close that follows them reports it. Listening keeps them from being thrown.
    port.on('error', () => {});
  }

  get isOpen(): boolean {
    return this.port.isOpen && !this.closing;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(goneError(this.device, this.description, 'written after it closed'));
    return new Promise((resolve, reject) => {
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), (error) => {
        if (!error) return resolve();
        const gone = goneError(this.device, this.description, `write failed: ${error.message}`);
        reject(gone);
        this.goneAfterFailure(gone);
      });
    });
  }

  private goneAfterFailure(error: AppError): void {
    clearInterval(this.watch);
    if (this.closing) return;
    this.closing = true;
    this.emitGone(error);
    if (this.port.isOpen) this.port.close(() => {});
  }

  close(): Promise<void> {
    clearInterval(this.watch);
    if (this.closing || !this.port.isOpen) {
      this.closing = true;
      return Promise.resolve();
    }
    this.closing = true;
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}

/** Opens a port 8N1 at the given speed; rejects with the device.* error that says why not. */
export function openSerialTransport(path: string, options: SerialOptions = {}): Promise<ByteTransport> {
  const baudRate = options.baudRate ?? DEFAULT_BAUD_RATE;
  const port = new SerialPort({
    path,
    baudRate,
    dataBits: 8,
    stopBits: 1,
    parity: 'none',
    lock: true,
    autoOpen: false,
  });
  return new Promise((resolve, reject) => {
    port.open((error) => {
      if (error) reject(openError(path, error));
      else resolve(new SerialTransport(port, path, baudRate, options.device ?? 'serialDevice'));
    });
  });
}

/** A serial port of this PC as the system lists it; USB ids in 4-digit hex when it is a USB device. */
export interface PortSummary {
  path: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  serialNumber?: string;
}

export async function listPorts(): Promise<PortSummary[]> {
  const ports = await SerialPort.list();
  return ports.map((port) => {
    const summary: PortSummary = { path: port.path };
    if (port.vendorId) summary.vendorId = port.vendorId.toLowerCase();
    if (port.productId) summary.productId = port.productId.toLowerCase();
    if (port.manufacturer) summary.manufacturer = port.manufacturer;
    if (port.serialNumber) summary.serialNumber = port.serialNumber;
    return summary;
  });
}
