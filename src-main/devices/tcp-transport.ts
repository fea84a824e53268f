// A raw TCP connection as a byte transport: network receipt printers listen on port 9100
// ("raw", "JetDirect") and take ESC/POS bytes as they come; the same socket carries their
// DLE EOT answers back. A connection that is reset, closed by the other side or times out
// while open is reported as gone, once, so the driver fails its job at once.
import { createConnection, type Socket } from 'node:net';
import { AppError } from '../common/errors.ts';
import { type ByteTransport, type DeviceWord, goneError, TransportEvents } from './transport.ts';

export const RAW_PRINT_PORT = 9100;

export interface TcpOptions {
  device?: DeviceWord;
  /** How long connecting may take, ms (default 3000). */
  connectTimeoutMs?: number;
}

class SocketTransport extends TransportEvents implements ByteTransport {
  readonly baudRate = undefined;
  private closing = false;

  constructor(
    private readonly socket: Socket,
    readonly description: string,
    private readonly device: DeviceWord,
  ) {
    super();
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5000);
    let why = 'the other side closed the connection';
    socket.on('data', (chunk: Buffer) => this.emitData(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      why = error.code ?? error.message;
    });
    socket.on('close', () => {
      if (this.closing) return;
      this.closing = true;
      this.emitGone(goneError(device, description, why));
    });
  }

  get isOpen(): boolean {
    return !this.closing && !this.socket.destroyed;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(goneError(this.device, this.description, 'written after it closed'));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (error) => {
        if (error) reject(goneError(this.device, this.description, `write failed: ${error.message}`));
        else resolve();
      });
    });
  }

  close(): Promise<void> {
    if (this.closing) return Promise.resolve();
    this.closing = true;
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // A peer that never finishes its side (or bytes it never takes) is not waited for.
        this.socket.destroy();
        resolve();
      }, 1000);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }
}

/** An accepted or connected socket as a transport (the simulator's side uses it too). */
export function socketTransport(
  socket: Socket,
  description: string,
  device: DeviceWord = 'receiptPrinter',
): ByteTransport {
  return new SocketTransport(socket, description, device);
}

/** Connects to HOST:PORT; rejects with printer.unreachable (device.openFailed for other devices). */
export function openTcpTransport(host: string, port: number, options: TcpOptions = {}): Promise<ByteTransport> {
  const device = options.device ?? 'receiptPrinter';
  const address = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    const fail = (why: string, cause?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      const detail = `cannot connect to ${address}: ${why}`;
      reject(
        device === 'receiptPrinter'
          ? new AppError('printer.unreachable', detail, { address }, cause ? { cause } : undefined)
          : new AppError('device.openFailed', detail, { port: address }, cause ? { cause } : undefined),
      );
    };
    const timer = setTimeout(
      () => fail(`no answer within ${options.connectTimeoutMs ?? 3000} ms`),
      options.connectTimeoutMs ?? 3000,
    );
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message, error));
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(new SocketTransport(socket, address, device));
    });
  });
}
