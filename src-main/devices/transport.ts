// How a device driver's bytes travel, whatever carries them: a serial port
// (serial-transport.ts), or the in-process pair below that ties a driver to a simulator
// with no port at all. A driver sees only this interface, so the same code runs against a
// USB-CDC reader, an RS-232 one, a simulator on a pseudo-terminal or one in this process.
import { AppError } from '../common/errors.ts';

export interface ByteTransport {
  /** For logs and installers: the port path, or what stands in for one. */
  readonly description: string;
  /** The line speed when there is a line (drivers scale their timeouts by it). */
  readonly baudRate: number | undefined;
  readonly isOpen: boolean;
  /** Resolves once the bytes are handed to the line; rejects with `device.gone` when it is gone. */
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes as they arrive, in order; answers the unsubscribe. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /**
   * The device went away (unplugged, the port vanished): told once, with a `device.gone`
   * error, and the transport is closed after. A close we asked for is not "gone".
   */
  onGone(listener: (error: AppError) => void): () => void;
  close(): Promise<void>;
}

/** Which device a transport serves, for the `{device}` of device.* messages (errorParams.device). */
export type DeviceWord = 'idCardReader' | 'receiptPrinter' | 'serialDevice';

/** The listener bookkeeping every transport shares. */
export class TransportEvents {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly goneListeners = new Set<(error: AppError) => void>();
  private goneTold = false;

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onGone(listener: (error: AppError) => void): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }

  emitData(chunk: Uint8Array): void {
    for (const listener of [...this.dataListeners]) listener(chunk);
  }

  emitGone(error: AppError): void {
    if (this.goneTold) return;
    this.goneTold = true;
    for (const listener of [...this.goneListeners]) listener(error);
  }
}

export function goneError(device: DeviceWord, description: string, why: string): AppError {
  return new AppError('device.gone', `${description}: ${why}`, { device });
}

/** One end of an in-process pair. */
class PairEnd extends TransportEvents implements ByteTransport {
  peer: PairEnd | undefined;
  open = true;

  constructor(
    readonly description: string,
    readonly baudRate: number | undefined,
    private readonly device: DeviceWord,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.open;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.open) return Promise.reject(goneError(this.device, this.description, 'written after it closed'));
    const copy = bytes.slice();
    const peer = this.peer;
    // Delivered on a later turn, as a real line does: a write never re-enters the writer.
    setImmediate(() => {
      if (peer?.open && this.open) peer.emitData(copy);
    });
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.open = false;
  }

  unplug(): void {
    if (!this.open) return;
    this.open = false;
    this.emitGone(goneError(this.device, this.description, 'unplugged'));
  }
}

export interface TransportPair {
  /** The host's end (the driver's). */
  host: ByteTransport;
  /** The device's end (the simulator's). */
  device: ByteTransport;
  /** Both ends go away at once, as a cable pulled out. */
  unplug(): void;
}

/** Two ends joined in this process: what one writes the other receives, on a later turn. */
export function createTransportPair(options: { baudRate?: number; device?: DeviceWord } = {}): TransportPair {
  const word = options.device ?? 'serialDevice';
  const host = new PairEnd('in-process simulator', options.baudRate, word);
  const device = new PairEnd('in-process host', options.baudRate, word);
  host.peer = device;
  device.peer = host;
  return {
    host,
    device,
    unplug() {
      host.unplug();
      device.unplug();
    },
  };
}
