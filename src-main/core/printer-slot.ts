// The receipt printer as the registry keeps it: connected to the configured transport
// (raw TCP 9100, a serial port, the USB printer device file, or the demo's simulator),
// its real-time status (DLE EOT) read every couple of seconds while idle and before and
// after each job, and shown on the health board: ready, busy printing, out of paper,
// cover open, offline, not answering, not connected. A printer that goes away is looked
// for again at every poll; plugging it back needs no restart.
//
// Invariants (tests/main/core/printer-slot.test.ts): the board says what the printer last
// said; `onReady` listeners hear each change from "cannot print" to "can print" (the print
// queue then prints what waits); a job is given to the printer only through `print`, one at
// a time with the status reads; after `close` no timer is left and nothing is reported.
import { existsSync } from 'node:fs';
import { AppError, type ErrorCode } from '../common/errors.ts';
import type { ReceiptPrinterConfig } from '../common/hall-config.ts';
import type { HealthReporter } from '../common/health.ts';
import { type DeviceHealth, DeviceHealthEntry } from './device-health.ts';
import { Listeners } from '../common/listeners.ts';
import type { Logger } from '../common/logger.ts';
import { type PrinterOptions, type PrintOutcome, ReceiptPrinter } from '../devices/printer/driver.ts';
import type { PaperWidth, PrintDocument } from '../devices/printer/escpos.ts';
import type { PrinterSimulator } from '../devices/printer/simulator.ts';
import { type PrinterStatus, stopReason } from '../devices/printer/status.ts';
import { openTcpTransport } from '../devices/tcp-transport.ts';
import { type ByteTransport, createTransportPair } from '../devices/transport.ts';
import { openDeviceFileTransport } from '../devices/usb-file-transport.ts';

export const RECEIPT_PRINTER = 'device.receiptPrinter';
/** How often the printer's status is read while it is idle (and a missing one looked for). */
export const PRINTER_POLL_MS = 2000;
/** The longest wait between tries at a printer that cannot be reached (doubling from the poll interval). */
const MAX_RETRY_MS = 30_000;

export interface PrinterSlotOptions {
  health: HealthReporter;
  logger: Logger;
  /** Status polling interval, ms (tests make it short). */
  pollMs?: number;
  /** The driver's timeouts (tests make them short). */
  printer?: PrinterOptions;
}

type Health = DeviceHealth;

/** What the board says of a printer that answered its status. */
function healthOfStatus(status: PrinterStatus): Health {
  const raw = `status ${status.raw.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
  switch (stopReason(status)) {
    case 'paperOut':
      return { state: 'error', reason: 'paperOut', detail: raw };
    case 'coverOpen':
      return { state: 'error', reason: 'coverOpen', detail: raw };
    case 'offline':
      return { state: 'error', reason: 'printerOffline', detail: raw };
    case 'cutter':
    case 'unrecoverable':
    case 'recoverable':
      return { state: 'error', reason: 'printerFault', detail: raw };
    case undefined:
      return status.paperNearEnd ? { state: 'ready', reason: 'paperNearEnd', detail: raw } : { state: 'ready' };
  }
}

/** What the board says of a printer that could not be reached, asked, or made to print. */
function healthOfError(error: unknown): Health {
  const code: ErrorCode | undefined = error instanceof AppError ? error.code : undefined;
  const detail = error instanceof AppError ? error.detail : String(error);
  // A job that did not print whole says why in its reason: the printer's word, or the line's.
  const reason = error instanceof AppError ? error.params?.reason : undefined;
  switch (code === 'printer.jobIncomplete' ? `jobIncomplete.${String(reason)}` : code) {
    case 'device.gone':
    case 'device.portNotFound':
    case 'printer.unreachable':
    case 'jobIncomplete.gone':
      return { state: 'absent', reason: 'notConnected', detail };
    case 'device.permissionDenied':
    case 'printer.permissionDenied':
      return { state: 'error', reason: 'permissionDenied', detail };
    case 'device.portBusy':
      return { state: 'error', reason: 'portBusy', detail };
    case 'printer.noAnswer':
    case 'device.timeout':
    case 'jobIncomplete.stalled':
      return { state: 'error', reason: 'timeout', detail };
    case 'printer.paperOut':
    case 'jobIncomplete.paperOut':
      return { state: 'error', reason: 'paperOut', detail };
    case 'printer.coverOpen':
    case 'jobIncomplete.coverOpen':
      return { state: 'error', reason: 'coverOpen', detail };
    case 'printer.offline':
    case 'jobIncomplete.offline':
      return { state: 'error', reason: 'printerOffline', detail };
    case 'printer.fault':
    case 'jobIncomplete.cutter':
    case 'jobIncomplete.unrecoverable':
    case 'jobIncomplete.recoverable':
      return { state: 'error', reason: 'printerFault', detail };
    default:
      return { state: 'error', reason: 'protocolError', detail };
  }
}

const serial = () => import('../devices/serial-transport.ts');

/** The receipt printer and its life: connect, watch its status, print, notice it going. */
export class PrinterSlot {
  private printer: ReceiptPrinter | undefined;
  private connecting: Promise<ReceiptPrinter> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private printing = false;
  private polling = false;
  private canPrint = false;
  private failures = 0;
  private retryAt = 0;
  /** The demo profile's printer, in this process. */
  simulator: PrinterSimulator | undefined;

  private readonly health: DeviceHealthEntry;
  private readonly readyListeners: Listeners;

  constructor(
    private readonly config: ReceiptPrinterConfig,
    private readonly options: PrinterSlotOptions,
  ) {
    this.health = new DeviceHealthEntry(options.health, RECEIPT_PRINTER);
    this.readyListeners = new Listeners((error) =>
      options.logger.error({ err: error }, 'printer ready listener failed'),
    );
  }

  /** Whether a printer is configured at all (none: the clerk prints the PDFs). */
  get configured(): boolean {
    return this.config.transport !== 'none';
  }

  /** Whether the printer is the demo profile's simulator in this process. */
  get simulated(): boolean {
    return this.config.transport === 'simulated';
  }

  /** The paper the slips are laid out for. */
  get paper(): PaperWidth {
    return this.config.transport === 'none' ? 80 : this.config.paper;
  }

  start(): void {
    if (this.config.transport === 'none') {
      this.report({ state: 'absent', reason: 'notConfigured' });
      return;
    }
    this.report({ state: 'absent', reason: 'notConnected', detail: `connecting to ${this.where()}` });
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? PRINTER_POLL_MS);
    this.timer.unref();
    void this.poll();
  }

  /** Called whenever the printer goes from "cannot print" (or unknown) to "can print". */
  onReady(listener: () => void): () => void {
    return this.readyListeners.add(listener);
  }

  /**
   * Prints a document: connects first if need be. Resolves when the printer printed it
   * whole (status read before and after); rejects with the printer.* or device.* error.
   */
  async print(document: PrintDocument): Promise<PrintOutcome> {
    if (this.config.transport === 'none') {
      throw new AppError('printer.notConfigured', 'no receipt printer is configured for this window');
    }
    this.printing = true;
    this.report({ state: 'busy', reason: 'printing' });
    let outcome: PrintOutcome;
    try {
      const printer = await this.connect();
      outcome = await printer.print(document);
    } catch (error) {
      this.printing = false;
      this.failed(error);
      throw error;
    }
    this.printing = false;
    this.report(healthOfStatus(outcome.after));
    this.settle(true);
    return outcome;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.connecting?.catch(() => undefined);
    await this.printer?.close().catch(() => undefined);
    await this.simulator?.close().catch(() => undefined);
  }

  /** One poll: reach the printer if need be, then read its status (not while a job prints). */
  private async poll(): Promise<void> {
    if (this.closed || this.printing || this.polling) return;
    if (!this.printer && performance.now() < this.retryAt) return;
    this.polling = true;
    try {
      const printer = await this.connect();
      const status = await printer.status();
      if (this.closed || this.printing) return;
      this.failures = 0;
      this.report(healthOfStatus(status));
      this.settle(stopReason(status) === undefined);
    } catch (error) {
      if (!this.closed && !this.printing) this.failed(error);
    } finally {
      this.polling = false;
    }
  }

  /** The connected driver, or a new connection to the configured printer. */
  private connect(): Promise<ReceiptPrinter> {
    if (this.printer) return Promise.resolve(this.printer);
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<ReceiptPrinter> {
    const transport = await this.openTransport();
    if (this.closed) {
      await transport.close().catch(() => undefined);
      throw new AppError('device.gone', 'the printer slot closed while connecting');
    }
    const printer = new ReceiptPrinter(transport, this.options.printer);
    transport.onGone(() => {
      if (this.printer !== printer) return;
      this.printer = undefined;
      void printer.close().catch(() => undefined);
    });
    this.printer = printer;
    this.options.logger.info({ device: RECEIPT_PRINTER, port: transport.description }, 'receipt printer connected');
    return printer;
  }

  private async openTransport(): Promise<ByteTransport> {
    const config = this.config;
    switch (config.transport) {
      case 'simulated': {
        // The simulator (and the drawing of its roll) loads only in the demo profile.
        const { PrinterSimulator } = await import('../devices/printer/simulator.ts');
        this.simulator ??= new PrinterSimulator({ paper: config.paper });
        const pair = createTransportPair({ device: 'receiptPrinter' });
        this.simulator.attach(pair.device);
        return pair.host;
      }
      case 'tcp':
        return openTcpTransport(config.host, config.port);
      case 'serial': {
        const { openSerialTransport } = await serial();
        return openSerialTransport(config.serial.path, { baudRate: config.serial.baudRate, device: 'receiptPrinter' });
      }
      case 'usb-device-file':
        if (!existsSync(config.path)) {
          throw new AppError('device.portNotFound', `${config.path} is not there`, { port: config.path });
        }
        return openDeviceFileTransport(config.path);
      case 'none':
        throw new AppError('printer.notConfigured', 'no receipt printer is configured for this window');
    }
  }

  private where(): string {
    const config = this.config;
    switch (config.transport) {
      case 'tcp':
        return `${config.host}:${config.port}`;
      case 'serial':
        return config.serial.path;
      case 'usb-device-file':
        return config.path;
      default:
        return config.transport;
    }
  }

  /** A job or a status read failed: a printer not there is looked for again, less and less often. */
  private failed(error: unknown): void {
    if (this.closed) return;
    const health = healthOfError(error);
    if (health.state === 'absent') {
      this.failures++;
      const pollMs = this.options.pollMs ?? PRINTER_POLL_MS;
      this.retryAt = performance.now() + Math.min(MAX_RETRY_MS, pollMs * 2 ** (this.failures - 1));
    }
    if (this.report(health)) {
      this.options.logger.warn({ device: RECEIPT_PRINTER, port: this.where(), err: error }, 'receipt printer');
    }
    this.settle(false);
  }

  /** Records whether the printer can print; tells the listeners when it just became able to. */
  private settle(canPrint: boolean): void {
    if (this.closed) return;
    const becameReady = canPrint && !this.canPrint;
    this.canPrint = canPrint;
    if (becameReady) this.readyListeners.emit();
  }

  /** Reports to the board (nothing after close); answers whether the state or reason changed. */
  private report(health: Health): boolean {
    return !this.closed && this.health.report(health);
  }
}
