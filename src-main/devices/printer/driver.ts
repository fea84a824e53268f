// The receipt printer (回执打印机, `ReceiptPrinter`) over any byte transport (TCP 9100,
// serial, the USB device file): asks its real-time status (DLE EOT 1–4), prints a job, and
// says whether the job was printed. The bytes come from the pure encoder (escpos.ts) and
// the status from status.ts; this file adds only time and order.
//
// Invariants (tests/main/devices/printer/driver.test.ts breaks them on purpose):
// - a job is reported printed only when the printer said it could print before it and
//   says nothing is wrong after it; a printer that is out of paper, open, offline or in
//   error before the job gets no bytes, and one that stops during it makes the job fail
//   with printer.jobIncomplete (the clerk reprints; the torn receipt is void);
// - every status question ends within its timeout: a silent printer is printer.noAnswer,
//   never a hang; a byte that is no status answer is printer.badStatus; a printer that
//   stops taking the job's bytes fails the job after writeTimeoutMs;
// - a connection that goes away (reset, unplugged) fails what is pending at once;
// - one thing at a time: a status read never interleaves with a job's bytes.
import { AppError } from '../../common/errors.ts';
import { type ByteTransport, goneError } from '../transport.ts';
import { encodeDocument, type PrintDocument } from './escpos.ts';
import {
  isStatusByte,
  parseStatus,
  type PrinterStatus,
  STATUS_QUERIES,
  statusRequest,
  stoppedError,
  stopReason,
} from './status.ts';

export interface PrinterOptions {
  /** How long one DLE EOT answer may take, ms (default 1000). */
  statusTimeoutMs?: number;
  /**
   * How long after the job's last byte the status is read again, ms (default 300). DLE EOT
   * is answered at once, even while the printer still works through its buffer, so the
   * status after a job says what happened only once the printer had time to print it.
   */
  settleMs?: number;
  /**
   * How long the job's bytes may take to be handed to the line, ms, on top of their time
   * on a serial line (default 10 000): a printer that stops taking bytes (its buffer full,
   * flow control held) fails the job instead of hanging it.
   */
  writeTimeoutMs?: number;
}

/** A printed job: the status before and after, and what the clerk should know. */
export interface PrintOutcome {
  before: PrinterStatus;
  after: PrinterStatus;
  bytes: number;
  /** The roll is nearly used up (纸将尽): printed, but change the roll soon. */
  paperNearEnd: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ReceiptPrinter {
  private readonly statusTimeoutMs: number;
  private readonly settleMs: number;
  private readonly writeTimeoutMs: number;
  private waiter: ((byte: number) => void) | undefined;
  private goneError: AppError | undefined;
  private readonly goneListeners = new Set<(error: AppError) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly transport: ByteTransport,
    options: PrinterOptions = {},
  ) {
    this.statusTimeoutMs = options.statusTimeoutMs ?? 1000;
    this.settleMs = options.settleMs ?? 300;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
    this.unsubscribe = [
      transport.onData((chunk) => {
        // Only the first byte after a question is its answer; the rest is dropped.
        const waiter = this.waiter;
        if (waiter && chunk.length > 0) {
          this.waiter = undefined;
          waiter(chunk[0]!);
        }
      }),
      transport.onGone((error) => {
        this.goneError = error;
        for (const listener of [...this.goneListeners]) listener(error);
      }),
    ];
  }

  get description(): string {
    return this.transport.description;
  }

  /** The printer's real-time status (DLE EOT 1, 2, 3, 4). */
  status(): Promise<PrinterStatus> {
    return this.serial(() => this.readStatus());
  }

  /**
   * Prints a document or the bytes of one. Resolves only when the printer took the job
   * and reports no fault after it; rejects with the printer.* or device.* error otherwise.
   */
  print(job: PrintDocument | Uint8Array): Promise<PrintOutcome> {
    const bytes = job instanceof Uint8Array ? job : encodeDocument(job);
    return this.serial(async () => {
      const before = await this.readStatus();
      const stopped = stopReason(before);
      if (stopped) throw stoppedError(stopped, before);
      try {
        await this.guard(this.timed(this.transport.write(bytes), this.writeMs(bytes.length)));
        await this.guard(sleep(this.settleMs));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'device.timeout')) throw incomplete('gone', error);
        // The job's unsent bytes would come before any later question: this connection is done.
        this.goneError = goneError(
          'receiptPrinter',
          this.transport.description,
          'closed after the printer stopped taking bytes',
        );
        await this.transport.close().catch(() => undefined);
        throw incomplete('stalled', error);
      }
      let after: PrinterStatus;
      try {
        after = await this.readStatus();
      } catch (error) {
        if (error instanceof AppError && error.code === 'device.gone') throw incomplete('gone', error);
        throw error;
      }
      const failed = stopReason(after);
      if (failed) throw incomplete(failed, stoppedError(failed, after));
      return { before, after, bytes: bytes.length, paperNearEnd: after.paperNearEnd };
    });
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe) off();
    await this.transport.close();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Rejects as soon as the transport goes away, whatever `promise` is doing. */
  private guard<T>(promise: Promise<T>): Promise<T> {
    if (this.goneError) return Promise.reject(this.goneError);
    return new Promise<T>((resolve, reject) => {
      const onGone = (error: AppError) => reject(error);
      this.goneListeners.add(onGone);
      promise.then(resolve, reject).finally(() => this.goneListeners.delete(onGone));
    });
  }

  /** The write timeout plus the bytes' time on a serial line (10 bits a byte). */
  private writeMs(bytes: number): number {
    const baudRate = this.transport.baudRate;
    return this.writeTimeoutMs + (baudRate ? (bytes * 10 * 1000) / baudRate : 0);
  }

  private timed<T>(promise: Promise<T>, ms: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new AppError(
              'device.timeout',
              `${this.transport.description}: the printer took no more bytes for ${Math.round(ms)} ms`,
              {
                device: 'receiptPrinter',
              },
            ),
          ),
        ms,
      );
      promise.then(resolve, reject).finally(() => clearTimeout(timer));
    });
  }

  private async readStatus(): Promise<PrinterStatus> {
    const answers: number[] = [];
    for (const n of STATUS_QUERIES) {
      let byte = await this.ask(n);
      // One stray byte (a late answer, line noise) is forgiven: ask again once.
      if (!isStatusByte(byte)) {
        await this.guard(sleep(50));
        byte = await this.ask(n);
      }
      answers.push(byte);
    }
    return parseStatus(answers);
  }

  private ask(n: (typeof STATUS_QUERIES)[number]): Promise<number> {
    if (this.goneError) return Promise.reject(this.goneError);
    return this.guard(
      new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          reject(
            new AppError(
              'printer.noAnswer',
              `${this.transport.description}: no answer to DLE EOT ${n} within ${this.statusTimeoutMs} ms`,
            ),
          );
        }, this.statusTimeoutMs);
        this.waiter = (byte) => {
          clearTimeout(timer);
          resolve(byte);
        };
        this.transport.write(statusRequest(n)).catch((error: unknown) => {
          clearTimeout(timer);
          this.waiter = undefined;
          reject(error);
        });
      }),
    );
  }
}

function incomplete(reason: string, cause: unknown): AppError {
  const detail = cause instanceof AppError ? `${cause.code}: ${cause.detail}` : String(cause);
  return new AppError('printer.jobIncomplete', `the job did not print whole: ${detail}`, { reason }, { cause });
}
