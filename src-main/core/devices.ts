// The device registry: owns the devices the hall config names, keeps each one's health
// on the board (ready / busy / absent / error, with a reason the status bar says in
// Chinese and an English detail for installers), and hands on what they read. Today it
// holds the ID card reader and the receipt printer (printer-slot.ts); the cameras join it
// the same way.
//
// A serial reader is looked for every couple of seconds (its port listed by the system,
// or its device file there): when it appears it is opened and its SAM asked for its
// status, then the presence loop runs until the reader goes away or fails; then the
// registry waits for the port again. Plugging and unplugging need no restart. The demo
// profile's reader is the simulator in this process. A reader driven through its vendor's
// SDK is opened the same way: tried every couple of seconds until its port opens.
//
// Invariants (tests/main/core/devices.test.ts): every state change reaches the board;
// a reader that vanishes mid-read is `absent` at once and comes back by itself; after
// `close` no timer is left and nothing is reported.
import { existsSync, realpathSync } from 'node:fs';
import { AppError, type ErrorCode, type WireError } from '../common/errors.ts';
import type { HallConfig, IdCardReaderConfig } from '../common/hall-config.ts';
import { type Clock, hallDate } from '../common/hall-time.ts';
import type { HealthReporter } from '../common/health.ts';
import { type DeviceHealth, DeviceHealthEntry } from './device-health.ts';
import type { CardIdentity } from '../common/id-card.ts';
import { Listeners } from '../common/listeners.ts';
import type { Logger } from '../common/logger.ts';
import { type CardCheck, checkCard } from '../common/review/card-checks.ts';
import { IdCardReader, type ReaderOptions } from '../devices/idcard/driver.ts';
import { loadPhotoDecoder, type PhotoDecoder, unavailablePhotoDecoder } from '../devices/idcard/photo.ts';
import { CardPresence, type CardSource, type PresenceOptions } from '../devices/idcard/presence.ts';
import { CardReaderEmulator } from '../devices/idcard/simulator.ts';
import type { VendorSdkOptions } from '../devices/idcard/vendor-sdk.ts';
import type { PrinterOptions } from '../devices/printer/driver.ts';
import { createTransportPair } from '../devices/transport.ts';
import { PrinterSlot } from './printer-slot.ts';

export const ID_CARD_READER = 'device.idCardReader';
/** How often a serial reader's port is looked for. */
export const PORT_POLL_MS = 2000;
/** The longest wait between tries at a port that is there but keeps failing (doubling from the poll interval). */
export const MAX_RETRY_MS = 30_000;

/** What the ID card reader tells its listeners (the identity panel's step will carry these to the UI). */
export type IdCardEvent =
  | {
      kind: 'read';
      at: number;
      identity: CardIdentity;
      /** Findings of formal review on the card, on the hall's day of reading. */
      checks: CardCheck;
      /** The WLT bytes, kept apart from the identity. */
      photo: Uint8Array | undefined;
      /** The photo decoded by the hall's licensed decoder, when one is configured and it worked. */
      photoImage?: { mediaType: 'image/bmp'; bytes: Uint8Array; width: number; height: number };
      /** Why a photo the card holds was not decoded. */
      photoProblem?: WireError;
    }
  | { kind: 'removed'; at: number }
  | { kind: 'unreadable'; at: number; error: WireError };

export interface DeviceRegistryOptions {
  config: HallConfig['devices'];
  health: HealthReporter;
  logger: Logger;
  clock: Clock;
  /** Port polling interval, ms (tests make it short). */
  pollMs?: number;
  presence?: PresenceOptions;
  reader?: ReaderOptions;
  /** The vendor SDK's call timeouts (tests make them short). */
  vendorSdk?: Pick<VendorSdkOptions, 'timeouts'>;
  /** Whether a port is there: by default the system lists it or its device file exists. */
  portPresent?: (path: string) => Promise<boolean>;
  /** The receipt printer driver's timeouts (tests make them short). */
  printer?: PrinterOptions;
}

type Health = DeviceHealth;

/** Health reasons (health.reasons in the catalog) for the errors that end a reader's run. */
function healthOf(error: unknown): Health {
  const code: ErrorCode | undefined = error instanceof AppError ? error.code : undefined;
  const detail = error instanceof AppError ? error.detail : String(error);
  switch (code) {
    case 'device.gone':
    case 'device.portNotFound':
    case 'idcard.sdkPortFailed':
      return { state: 'absent', reason: 'notConnected', detail };
    case 'device.addonMissing':
    case 'device.libraryLoadFailed':
    case 'device.librarySymbolMissing':
      return { state: 'error', reason: 'driverUnavailable', detail };
    case 'device.permissionDenied':
      return { state: 'error', reason: 'permissionDenied', detail };
    case 'device.portBusy':
      return { state: 'error', reason: 'portBusy', detail };
    case 'device.timeout':
      return { state: 'error', reason: 'timeout', detail };
    case 'idcard.samSelfTestFailed':
    case 'idcard.samNotAuthorised':
      return { state: 'error', reason: 'samFault', detail };
    default:
      return { state: 'error', reason: 'protocolError', detail };
  }
}

/**
 * node-serialport (a native binding) loads with the first serial device: a hall without
 * one, and the demo profile, never load it.
 */
const serial = () => import('../devices/serial-transport.ts');
/** The vendor-SDK driver (and its GBK decoder) loads only for a reader configured so. */
const vendorSdk = () => import('../devices/idcard/vendor-sdk.ts');

/** What the slot needs of a reader: the GA 467 driver or the vendor-SDK one. */
type SlotReader = CardSource & Pick<IdCardReader, 'samStatus' | 'close' | 'description'>;

async function systemPortPresent(path: string): Promise<boolean> {
  // A pty or a udev symlink (/dev/serial/by-id/…) is not listed, but its file is there.
  if (path.startsWith('/') && existsSync(path)) return true;
  try {
    const { listPorts } = await serial();
    return (await listPorts()).some((port) => port.path === path);
  } catch {
    return false;
  }
}

/** The same port by two names (a /dev/serial/by-id link and its tty), when both are there. */
function samePort(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** One ID card reader and its life: connect, probe, watch for cards, notice it going. */
class IdCardReaderSlot {
  private reader: SlotReader | undefined;
  private presence: CardPresence | undefined;
  private running: Promise<void> | undefined;
  private connecting = false;
  private closed = false;
  /** Someone else (the setup wizard's probe) uses the port: the poll leaves it alone. */
  private lent = false;
  /** What lies on the reader, as the health board says it between reads. */
  private card: 'none' | 'read' | 'unreadable' = 'none';
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Tries in a row that failed at a port that is there, and when the next may start (monotonic ms). */
  private failures = 0;
  private retryAt = 0;
  /** The in-process simulator of the demo profile. */
  simulator: CardReaderEmulator | undefined;
  /** The hall's photo decoder (undefined: none configured). */
  private photoDecoder: PhotoDecoder | undefined;
  /** Why the configured photo decoder cannot be used, for the health detail. */
  private photoDetail: string | undefined;

  private readonly health: DeviceHealthEntry;
  private readonly listeners: Listeners<IdCardEvent>;

  constructor(
    private readonly config: IdCardReaderConfig,
    private readonly options: DeviceRegistryOptions,
  ) {
    this.health = new DeviceHealthEntry(options.health, ID_CARD_READER);
    this.listeners = new Listeners((error) => options.logger.error({ err: error }, 'ID card listener failed'));
  }

  start(): void {
    if (this.config.transport === 'simulated' || this.config.transport === 'serial') {
      this.loadPhotoDecoder(this.config.photoDecoder);
    }
    switch (this.config.transport) {
      case 'none':
        this.report({ state: 'absent', reason: 'notConfigured' });
        return;
      case 'vendor-sdk': {
        const { library, port } = this.config.vendorSdk;
        this.report({ state: 'absent', reason: 'notConnected', detail: `opening ${library} port ${port}` });
        this.timer = setInterval(() => void this.check(), this.options.pollMs ?? PORT_POLL_MS);
        this.timer.unref();
        void this.check();
        return;
      }
      case 'simulated': {
        const pair = createTransportPair({ baudRate: 115200, device: 'idCardReader' });
        this.simulator = new CardReaderEmulator(pair.device, { unplug: () => pair.unplug() });
        this.run(new IdCardReader(pair.host, this.readerOptions()));
        return;
      }
      case 'serial': {
        this.report({ state: 'absent', reason: 'notConnected', detail: `waiting for ${this.config.serial.path}` });
        this.timer = setInterval(() => void this.check(), this.options.pollMs ?? PORT_POLL_MS);
        this.timer.unref();
        void this.check();
        return;
      }
    }
  }

  on(listener: (event: IdCardEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.presence?.stop();
    await this.reader?.close().catch(() => undefined);
    await this.running;
    await this.simulator?.close().catch(() => undefined);
  }

  /**
   * The hall's photo decoder, loaded once: a decoder that cannot be used leaves the reader
   * working, every photo undecoded with the reason, and the reason in the health detail.
   */
  private loadPhotoDecoder(config: { library: string; unpackFlag: number } | undefined): void {
    if (!config) return;
    try {
      this.photoDecoder = loadPhotoDecoder(config.library, { unpackFlag: config.unpackFlag });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.photoDecoder = unavailablePhotoDecoder(error);
      this.photoDetail = `photo decoder unusable, photos are not shown: ${error.detail}`;
      this.options.logger.warn({ device: ID_CARD_READER, err: error }, 'ID card photo decoder');
    }
  }

  private readerOptions(): ReaderOptions {
    return this.photoDecoder ? { ...this.options.reader, photoDecoder: this.photoDecoder } : { ...this.options.reader };
  }

  /** A vendor SDK's reader: opened when nothing runs (the SDK's own calls tell when it goes). */
  private async openSdk(config: { library: string; port: number }): Promise<void> {
    if (this.running) return;
    this.connecting = true;
    try {
      const { VendorSdkReader } = await vendorSdk();
      const reader = await VendorSdkReader.open({ ...config, ...this.options.vendorSdk });
      if (this.closed) {
        await reader.close();
        return;
      }
      this.run(reader);
    } catch (error) {
      if (this.report(healthOf(error)))
        this.options.logger.warn({ device: ID_CARD_READER, err: error }, 'ID card reader SDK');
    } finally {
      this.connecting = false;
    }
  }

  /**
   * Runs `use` on the serial port at `path` without fighting this slot for it: with the
   * running reader when this slot holds that port (its commands queue between the presence
   * loop's), else with none while the slot leaves the port alone until `use` ends.
   */
  async usePort<T>(path: string, use: (reader: IdCardReader | undefined) => Promise<T>): Promise<T> {
    if (this.config.transport !== 'serial' || !samePort(this.config.serial.path, path)) return use(undefined);
    this.lent = true;
    try {
      // A connection under way settles first: then the reader runs, or the port is free.
      for (let waited = 0; this.connecting && waited < 5000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const reader = this.reader;
      return await use(reader instanceof IdCardReader && reader.connected ? reader : undefined);
    } finally {
      this.lent = false;
    }
  }

  /** One poll: connect when the port is there and nothing runs, drop the reader when it is gone. */
  private async check(): Promise<void> {
    if (this.closed || this.connecting) return;
    if (this.lent && !this.running) return;
    if (this.config.transport === 'vendor-sdk') return this.openSdk(this.config.vendorSdk);
    if (this.config.transport !== 'serial') return;
    const { path, baudRate } = this.config.serial;
    const present = await (this.options.portPresent ?? systemPortPresent)(path);
    if (this.closed) return;
    if (this.running) {
      // The transport tells a vanished port itself; this catches one that went quietly.
      if (!present) await this.reader?.close().catch(() => undefined);
      return;
    }
    if (!present) {
      // Plugged in again later, it is tried at once.
      this.failures = 0;
      this.retryAt = 0;
      this.report({ state: 'absent', reason: 'notConnected', detail: `${path} is not there` });
      return;
    }
    // A port that is there but fails (another device on it, a reader in a bad state) is
    // tried less and less often, so the app does not hammer whatever listens there.
    if (performance.now() < this.retryAt) return;
    this.connecting = true;
    try {
      const { openSerialTransport } = await serial();
      const transport = await openSerialTransport(path, { baudRate, device: 'idCardReader' });
      if (this.closed) {
        await transport.close();
        return;
      }
      this.run(new IdCardReader(transport, this.readerOptions()));
    } catch (error) {
      this.backOff(error);
      // A port that keeps failing the same way is logged once, not at every poll.
      if (this.report(healthOf(error)))
        this.options.logger.warn({ device: ID_CARD_READER, err: error }, 'ID card reader port');
    } finally {
      this.connecting = false;
    }
  }

  /** Probes the SAM, then watches for cards until the reader ends; the next poll connects again. */
  private run(reader: SlotReader): void {
    this.reader = reader;
    const { logger } = this.options;
    this.running = (async () => {
      try {
        await reader.samStatus();
        this.failures = 0;
        this.card = 'none';
        this.reportIdle();
        logger.info({ device: ID_CARD_READER, port: reader.description }, 'ID card reader ready');
        this.presence = new CardPresence(reader, (event) => this.cardEvent(event), {
          ...this.options.presence,
          onBusy: (busy) => {
            if (busy) this.report({ state: 'busy', reason: 'reading' });
            else this.reportIdle();
          },
        });
        await this.presence.run();
      } catch (error) {
        if (this.closed) return;
        this.backOff(error);
        if (this.report(healthOf(error))) {
          logger.warn({ device: ID_CARD_READER, port: reader.description, err: error }, 'ID card reader stopped');
        }
      } finally {
        this.presence = undefined;
        this.reader = undefined;
        this.running = undefined;
        await reader.close().catch(() => undefined);
        // The reader that saw the card is gone: whatever lay on it is no longer known to be
        // there (the next reader's loop starts afresh and would never tell its removal).
        if (!this.closed && this.card !== 'none') {
          this.card = 'none';
          this.emit({ kind: 'removed', at: this.options.clock.now() });
        }
      }
    })();
  }

  private cardEvent(event: Parameters<ConstructorParameters<typeof CardPresence>[1]>[0]): void {
    const at = this.options.clock.now();
    if (event.kind === 'placed') {
      const { identity, photo, photoImage, photoProblem } = event.card;
      this.card = 'read';
      this.options.logger.info({ device: ID_CARD_READER, cardType: identity.cardType }, 'ID card read');
      this.emit({
        kind: 'read',
        at,
        identity,
        checks: checkCard(identity, hallDate(at)),
        photo,
        ...(photoImage ? { photoImage } : {}),
        ...(photoProblem ? { photoProblem: photoProblem.toWire() } : {}),
      });
    } else if (event.kind === 'removed') {
      this.card = 'none';
      this.emit({ kind: 'removed', at });
    } else {
      this.card = 'unreadable';
      this.options.logger.warn({ device: ID_CARD_READER, err: event.error }, 'ID card unreadable');
      this.emit({ kind: 'unreadable', at, error: event.error.toWire() });
    }
    this.reportIdle();
  }

  /** After a failure at a port that is there: wait the poll interval, then twice as long each time, up to MAX_RETRY_MS. */
  private backOff(error: unknown): void {
    // A reader pulled out is looked for again at every poll.
    if (error instanceof AppError && (error.code === 'device.gone' || error.code === 'device.portNotFound')) return;
    this.failures++;
    const pollMs = this.options.pollMs ?? PORT_POLL_MS;
    this.retryAt = performance.now() + Math.min(MAX_RETRY_MS, pollMs * 2 ** (this.failures - 1));
  }

  /** Ready, saying what lies on the reader. */
  private reportIdle(): void {
    const reason = { none: 'noCard', read: 'cardPresent', unreadable: 'cardUnreadable' }[this.card];
    this.report({ state: 'ready', reason, ...(this.photoDetail ? { detail: this.photoDetail } : {}) });
  }

  private emit(event: IdCardEvent): void {
    this.listeners.emit(event);
  }

  /** Reports to the board (nothing after close); answers whether the state or reason changed. */
  private report(health: Health): boolean {
    return !this.closed && this.health.report(health);
  }
}

export class DeviceRegistry {
  private readonly idCard: IdCardReaderSlot;
  /** The receipt printer (its slot reports `notConfigured` when the window has none). */
  readonly printer: PrinterSlot;

  private constructor(options: DeviceRegistryOptions) {
    this.idCard = new IdCardReaderSlot(options.config.idCardReader, options);
    this.printer = new PrinterSlot(options.config.receiptPrinter, {
      health: options.health,
      logger: options.logger,
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      ...(options.printer ? { printer: options.printer } : {}),
    });
  }

  /** Builds the devices of the config and starts looking after them (in the background). */
  static start(options: DeviceRegistryOptions): DeviceRegistry {
    const registry = new DeviceRegistry(options);
    registry.idCard.start();
    registry.printer.start();
    return registry;
  }

  /** Cards read, removed or unreadable at the ID card reader. */
  onIdCard(listener: (event: IdCardEvent) => void): () => void {
    return this.idCard.on(listener);
  }

  /**
   * Runs `use` on the serial port at `path` (the setup wizard's probe): with the configured
   * reader when it holds that port, else with none while the configured reader keeps off it.
   */
  useIdCardPort<T>(path: string, use: (reader: IdCardReader | undefined) => Promise<T>): Promise<T> {
    return this.idCard.usePort(path, use);
  }

  /** The demo profile's card-reader simulator (place and remove cards); undefined with a real reader. */
  get idCardSimulator(): CardReaderEmulator | undefined {
    return this.idCard.simulator;
  }

  /** Stops polling and closes every device; nothing is reported after. */
  async close(): Promise<void> {
    await Promise.all([this.idCard.close(), this.printer.close()]);
  }
}
