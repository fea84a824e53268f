// A printer's device file as a byte transport: the USB printer class on Linux
// (/dev/usb/lp0, the usblp driver), or any character device that takes bytes and answers
// on the same file (a pty in the tests). Opened once, read and write, non-blocking: bytes
// go out with fs.write (again after EAGAIN, when the printer's buffer is full), answers
// are read by polling while the file is open (a blocking read would hold one of libuv's
// four threads for as long as the printer is silent). The file vanishing, or a read or
// write failing with EIO / ENODEV (the printer unplugged), is reported as gone.
//
// Windows has no such file: a USB printer there is reached through the spooler (see
// docs/devices.md, "Windows").
import { constants, existsSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { AppError } from '../common/errors.ts';
import { type ByteTransport, type DeviceWord, goneError, TransportEvents } from './transport.ts';

export interface DeviceFileOptions {
  device?: DeviceWord;
  /** How often answers are looked for, ms (default 20). */
  pollMs?: number;
  /** How long a write may wait for a full printer buffer, ms (default 10 000). */
  writeTimeoutMs?: number;
}

const GONE_CODES = new Set(['EIO', 'ENODEV', 'ENXIO', 'EBADF', 'ESHUTDOWN']);

function openError(path: string, error: NodeJS.ErrnoException, device: DeviceWord): AppError {
  const detail = `cannot open ${path}: ${error.message}`;
  if (error.code === 'ENOENT' || error.code === 'ENODEV' || error.code === 'ENXIO') {
    return new AppError('device.portNotFound', detail, { port: path });
  }
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    // A printer's device file belongs to group lp, not dialout.
    const code = device === 'receiptPrinter' ? 'printer.permissionDenied' : 'device.permissionDenied';
    return new AppError(code, detail, { port: path });
  }
  if (error.code === 'EBUSY') return new AppError('device.portBusy', detail, { port: path });
  return new AppError('device.openFailed', detail, { port: path }, { cause: error });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class DeviceFileTransport extends TransportEvents implements ByteTransport {
  readonly baudRate = undefined;
  private closing = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private reading = false;
  private readonly buffer = Buffer.alloc(4096);

  constructor(
    private readonly file: FileHandle,
    readonly description: string,
    private readonly device: DeviceWord,
    pollMs: number,
    private readonly writeTimeoutMs: number,
  ) {
    super();
    this.timer = setInterval(() => this.poll(), pollMs);
  }

  get isOpen(): boolean {
    return !this.closing;
  }

  private poll(): void {
    if (this.reading || this.closing) return;
    if (!existsSync(this.description)) {
      this.gone('the device file vanished');
      return;
    }
    this.reading = true;
    this.file
      .read(this.buffer, 0, this.buffer.length, null)
      .then(({ bytesRead }) => {
        if (bytesRead > 0 && !this.closing) this.emitData(this.buffer.subarray(0, bytesRead).slice());
      })
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EAGAIN' && error.code !== 'EWOULDBLOCK')
          this.gone(`read failed: ${error.code ?? error.message}`);
      })
      .finally(() => {
        this.reading = false;
      });
  }

  async write(bytes: Uint8Array): Promise<void> {
    const deadline = Date.now() + this.writeTimeoutMs;
    let at = 0;
    while (at < bytes.length) {
      if (this.closing) throw goneError(this.device, this.description, 'written after it closed');
      try {
        const { bytesWritten } = await this.file.write(bytes, at, bytes.length - at, null);
        at += bytesWritten;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK') {
          const gone = goneError(this.device, this.description, `write failed: ${code ?? String(error)}`);
          if (code === undefined || GONE_CODES.has(code)) this.gone(`write failed: ${code ?? String(error)}`);
          throw gone;
        }
        if (Date.now() > deadline) {
          throw new AppError(
            'device.timeout',
            `${this.description}: the printer took no bytes for ${this.writeTimeoutMs} ms`,
            {
              device: this.device,
            },
          );
        }
        await sleep(10);
      }
    }
  }

  private gone(why: string): void {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.timer);
    this.emitGone(goneError(this.device, this.description, why));
    void this.file.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.timer);
    await this.file.close().catch(() => undefined);
  }
}

/** Opens the device file read-write and non-blocking; rejects with the device.* error that says why not. */
export async function openDeviceFileTransport(path: string, options: DeviceFileOptions = {}): Promise<ByteTransport> {
  let file: FileHandle;
  try {
    file = await open(path, constants.O_RDWR | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (error) {
    throw openError(path, error as NodeJS.ErrnoException, options.device ?? 'receiptPrinter');
  }
  return new DeviceFileTransport(
    file,
    path,
    options.device ?? 'receiptPrinter',
    options.pollMs ?? 20,
    options.writeTimeoutMs ?? 10_000,
  );
}
