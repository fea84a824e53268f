// The ID card reader (二代证阅读器, `IdCardReader`) over any byte transport: GA 467
// commands, one at a time, each with its timeout and bounded retries, answers checked
// against what that command can answer. Frames come from the pure codec (frames.ts),
// text from text-block.ts; this file adds only time and the order of commands.
//
// Invariants (tests/main/devices/idcard/driver*.test.ts break them on purpose):
// - every command ends within (retries + 1) × its timeout: a silent, garbled or vanished
//   line is an AppError, never a hang;
// - a device that goes away fails the pending command at once with device.gone, and
//   every later one too;
// - a frame that is not an answer this command can have (a late answer to an earlier
//   command, noise that happens to checksum) is dropped, never taken for this answer;
// - a damaged frame or a SAM that got our frame damaged (SW3 10/11) means sending again;
// - a card's identity comes whole and checked (text-block.ts) or not at all.
import { createHash } from 'node:crypto';
import { AppError } from '../../common/errors.ts';
import type { CardIdentity } from '../../common/id-card.ts';
import type { ByteTransport } from '../transport.ts';
import { decodePhoto, type PhotoDecoder, type PhotoImage } from './photo.ts';
import {
  decodeResponse,
  encodeCommand,
  FrameParser,
  MIN_RESPONSE_LEN,
  type ParseEvent,
  type Response,
} from './frames.ts';
import { isResendStatus, STATUS, statusError } from './status.ts';
import {
  FINGERPRINT_BYTES,
  parseAppendedAddress,
  parseTextBlock,
  PHOTO_BYTES,
  TEXT_BLOCK_BYTES,
} from './text-block.ts';

/** CMD and PARA of every command the driver sends. */
export const COMMANDS = {
  resetSam: [0x10, 0xff],
  samStatus: [0x11, 0xff],
  samId: [0x12, 0xff],
  findCard: [0x20, 0x01],
  selectCard: [0x20, 0x02],
  read: [0x30, 0x01],
  readWithFingerprint: [0x30, 0x10],
  readAppendedAddress: [0x30, 0x03],
} as const satisfies Record<string, readonly [number, number]>;
export type CommandName = keyof typeof COMMANDS;

/** The SAM id answer: 2 + 2 bytes of version, then three 32-bit numbers. */
const SAM_ID_BYTES = 16;
const SELECT_BYTES = 8;

/**
 * Milliseconds each command may take before it is sent again, on top of the time its
 * answer needs on the line. The SAM's own work dominates reading (RF exchange with the
 * card, about half a second on real readers); the rest answer at once.
 */
export const DEFAULT_TIMEOUTS: Readonly<Record<CommandName, number>> = {
  resetSam: 2000,
  samStatus: 500,
  samId: 500,
  findCard: 500,
  selectCard: 500,
  read: 1500,
  readWithFingerprint: 2000,
  readAppendedAddress: 1000,
};

/** Bytes of the longest answer each command has (for its time on the line). */
const ANSWER_BYTES: Readonly<Record<CommandName, number>> = {
  resetSam: 11,
  samStatus: 11,
  samId: 27,
  findCard: 15,
  selectCard: 19,
  read: 7 + 3 + 4 + TEXT_BLOCK_BYTES + PHOTO_BYTES + 1,
  readWithFingerprint: 7 + 3 + 6 + TEXT_BLOCK_BYTES + PHOTO_BYTES + FINGERPRINT_BYTES + 1,
  readAppendedAddress: 7 + 3 + 70 + 1,
};

/** Time the bytes take on an 8N1 line (10 bits a byte). */
export function wireMs(bytes: number, baudRate: number): number {
  return (bytes * 10 * 1000) / baudRate;
}

export interface ReaderOptions {
  timeouts?: Partial<Record<CommandName, number>>;
  /** Sends after the first, for a silent, damaged or foreign answer (default 2). */
  retries?: number;
  /** The hall's licensed photo decoder; without one a read says the photo was not decoded and why. */
  photoDecoder?: PhotoDecoder;
}

/** What one card gave: the identity, and the bytes that are not text. */
export interface CardRead {
  identity: CardIdentity;
  /** The 1024 WLT bytes (compressed and encrypted); only a licensed vendor decoder makes an image of them. */
  photo: Uint8Array | undefined;
  /** Two 512-byte templates, when read with 30 10 and the card holds them. */
  fingerprints: Uint8Array | undefined;
  /** The select answer's 8 bytes (some readers put a card serial there, some zeros). */
  serial: Uint8Array;
  /** SHA-256 of text and photo: the same card reads to the same key. */
  key: string;
  /** The photo decoded (by the hall's decoder, or by the reader's SDK). */
  photoImage?: PhotoImage;
  /** Why a photo the card holds was not decoded. */
  photoProblem?: AppError;
}

export interface ReadOptions {
  /** Read with 30 10 (text, photo and fingerprints) instead of 30 01. */
  fingerprint?: boolean;
  /** Ask for the appended address (30 03) too. */
  appendedAddress?: boolean;
}

/** Line counters, for the benchmark and diagnostics. */
export interface LineStats {
  bytesWritten: number;
  bytesRead: number;
  framesDropped: number;
  framesRejected: number;
  resends: number;
}

type Outcome =
  | { kind: 'answer'; response: Response }
  | { kind: 'damaged' }
  | { kind: 'timeout' }
  | { kind: 'gone'; error: AppError };

interface Waiter {
  accepts: (response: Response) => boolean;
  settle: (outcome: Outcome) => void;
  sawForeign: boolean;
}

/** Whether a response can be the answer to this command. */
function answers(command: CommandName, response: Response): boolean {
  const { status, data } = response;
  // An error status carries no data, and any command may get one (one no source lists too:
  // it is the reader's answer all the same, told as idcard.readerFault with its code).
  if (status !== STATUS.ok && status !== STATUS.cardFound) return data.length === 0;
  switch (command) {
    case 'resetSam':
    case 'samStatus':
      return status === STATUS.ok && data.length === 0;
    case 'samId':
      return status === STATUS.ok && data.length === SAM_ID_BYTES;
    case 'findCard':
      return status === STATUS.cardFound && data.length <= 8;
    case 'selectCard':
      return status === STATUS.ok && data.length === SELECT_BYTES;
    case 'read': {
      if (status !== STATUS.ok || data.length < 4) return false;
      const text = (data[0]! << 8) | data[1]!;
      const photo = (data[2]! << 8) | data[3]!;
      return data.length === 4 + text + photo;
    }
    case 'readWithFingerprint': {
      if (status !== STATUS.ok || data.length < 6) return false;
      const text = (data[0]! << 8) | data[1]!;
      const photo = (data[2]! << 8) | data[3]!;
      const prints = (data[4]! << 8) | data[5]!;
      return data.length === 6 + text + photo + prints;
    }
    case 'readAppendedAddress':
      return status === STATUS.ok && data.length > 0 && data.length % 2 === 0 && data.length <= 256;
  }
}

/** `05.01-20101207-0014287498-1621843628`: the form vendors' tools print the SAM id in. */
function formatSamId(data: Uint8Array): string {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const two = (n: number) => String(n).padStart(2, '0');
  return [
    `${two(data[0]!)}.${two(data[2]!)}`,
    String(view.getUint32(4, true)),
    String(view.getUint32(8, true)).padStart(10, '0'),
    String(view.getUint32(12, true)).padStart(10, '0'),
  ].join('-');
}

export class IdCardReader {
  private readonly parser = new FrameParser({ minLen: MIN_RESPONSE_LEN });
  private readonly timeouts: Record<CommandName, number>;
  private readonly retries: number;
  private readonly photoDecoder: PhotoDecoder | undefined;
  private waiter: Waiter | undefined;
  private gone: AppError | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: Array<() => void> = [];
  readonly stats: LineStats = { bytesWritten: 0, bytesRead: 0, framesDropped: 0, framesRejected: 0, resends: 0 };

  constructor(
    private readonly transport: ByteTransport,
    options: ReaderOptions = {},
  ) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retries = options.retries ?? 2;
    this.photoDecoder = options.photoDecoder;
    this.unsubscribe.push(
      transport.onData((chunk) => {
        this.stats.bytesRead += chunk.length;
        this.take(this.parser.push(chunk));
      }),
      transport.onGone((error) => {
        this.gone = error;
        this.waiter?.settle({ kind: 'gone', error });
      }),
    );
  }

  get description(): string {
    return this.transport.description;
  }

  /** Whether the line is still there. */
  get connected(): boolean {
    return this.gone === undefined && this.transport.isOpen;
  }

  /** 复位 SAM. */
  async resetSam(): Promise<void> {
    await this.expectOk('resetSam');
  }

  /** SAM 状态检测: resolves when the SAM works (idcard.samSelfTestFailed and the like otherwise). */
  async samStatus(): Promise<void> {
    await this.expectOk('samStatus');
  }

  /** 读 SAM 管理信息: the SAM's id. */
  async samId(): Promise<string> {
    return formatSamId((await this.expectOk('samId')).data);
  }

  /** 寻卡: whether a card is on the reader. */
  async findCard(): Promise<boolean> {
    const response = await this.command('findCard');
    if (response.status === STATUS.cardFound) return true;
    if (response.status === STATUS.findFailed) return false;
    throw statusError(response.status, 'find card');
  }

  /** 选卡: the answer's 8 bytes. */
  async selectCard(): Promise<Uint8Array> {
    return (await this.expectOk('selectCard')).data;
  }

  /** 读基本信息 (30 01, or 30 10 with fingerprints) of the selected card, parsed and checked. */
  async readSelected(serial: Uint8Array, options: ReadOptions = {}): Promise<CardRead> {
    const command: CommandName = options.fingerprint ? 'readWithFingerprint' : 'read';
    const { data } = await this.expectOk(command);
    const lengths = options.fingerprint ? 6 : 4;
    const textLength = (data[0]! << 8) | data[1]!;
    const photoLength = (data[2]! << 8) | data[3]!;
    const printLength = options.fingerprint ? (data[4]! << 8) | data[5]! : 0;
    const text = data.subarray(lengths, lengths + textLength);
    const photo = data.subarray(lengths + textLength, lengths + textLength + photoLength);
    const prints = data.subarray(lengths + textLength + photoLength, lengths + textLength + photoLength + printLength);
    const parsed = parseTextBlock(text);
    const identity: CardIdentity = {
      ...parsed,
      photo: { present: photo.length > 0 },
      fingerprint: { present: prints.length > 0 },
    };
    if (options.appendedAddress) {
      const appended = await this.readAppendedAddress();
      if (appended !== undefined) identity.appendedAddress = appended;
    }
    const key = createHash('sha256').update(text).update(photo).digest('hex');
    return {
      identity,
      photo: photo.length > 0 ? photo.slice() : undefined,
      fingerprints: prints.length > 0 ? prints.slice() : undefined,
      serial,
      key,
      ...(photo.length > 0 ? await decodePhoto(this.photoDecoder, photo) : {}),
    };
  }

  /** 读追加住址 (30 03): the appended address, or undefined when the card holds none. */
  async readAppendedAddress(): Promise<string | undefined> {
    const response = await this.command('readAppendedAddress');
    if (response.status === STATUS.noContent) return undefined;
    if (response.status !== STATUS.ok) throw statusError(response.status, 'read appended address');
    return parseAppendedAddress(response.data);
  }

  /** Find, select and read the card on the reader (idcard.noCard when there is none). */
  async readCard(options: ReadOptions = {}): Promise<CardRead> {
    if (!(await this.findCard())) throw statusError(STATUS.findFailed, 'find card');
    const serial = await this.selectCard();
    return this.readSelected(serial, options);
  }

  /** Stops listening and closes the transport. */
  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    this.waiter?.settle({
      kind: 'gone',
      error: new AppError('device.gone', `${this.description}: closed`, { device: 'idCardReader' }),
    });
    await this.transport.close();
  }

  private async expectOk(name: CommandName): Promise<Response> {
    const response = await this.command(name);
    if (response.status !== STATUS.ok) throw statusError(response.status, name);
    return response;
  }

  /** One command, after the ones before it have finished. */
  private command(name: CommandName): Promise<Response> {
    const run = this.tail.then(
      () => this.transact(name),
      () => this.transact(name),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  private timeoutOf(name: CommandName): number {
    const line = this.transport.baudRate ? 2 * wireMs(ANSWER_BYTES[name] + 10, this.transport.baudRate) : 0;
    return this.timeouts[name] + line;
  }

  private async transact(name: CommandName): Promise<Response> {
    const [cmd, para] = COMMANDS[name];
    const frame = encodeCommand(cmd, para);
    let damaged = 0;
    let foreign = false;
    let resendStatus: number | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (this.gone) throw this.gone;
      if (attempt > 0) this.stats.resends++;
      const { outcome, sawForeign } = await this.exchange(name, frame);
      // Frames that were no answer to this command were dropped; they only say what the line holds.
      foreign ||= sawForeign;
      if (outcome.kind === 'gone') throw outcome.error;
      if (outcome.kind === 'damaged') {
        damaged++;
      } else if (outcome.kind === 'timeout') {
        // A frame torn by the line never completes: give it up, keep what came after it.
        this.take(this.parser.abandonPartial());
      } else if (isResendStatus(outcome.response.status)) {
        resendStatus = outcome.response.status;
      } else {
        return outcome.response;
      }
    }
    const tries = this.retries + 1;
    if (damaged > 0) {
      throw new AppError(
        'idcard.transmission',
        `${name}: ${damaged} of ${tries} answers arrived damaged (checksum or length)`,
      );
    }
    if (resendStatus !== undefined) throw statusError(resendStatus, name);
    if (foreign) {
      throw new AppError('idcard.badResponse', `${name}: ${tries} tries brought only bytes that are no answer to it`);
    }
    throw new AppError(
      'device.timeout',
      `${name}: no answer in ${tries} tries of ${Math.round(this.timeoutOf(name))} ms`,
      {
        device: 'idCardReader',
      },
    );
  }

  private exchange(name: CommandName, frame: Uint8Array): Promise<{ outcome: Outcome; sawForeign: boolean }> {
    return new Promise((resolve) => {
      let done = false;
      const timer = setTimeout(() => settle({ kind: 'timeout' }), this.timeoutOf(name));
      const waiter: Waiter = {
        accepts: (response) => answers(name, response),
        settle: (outcome) => settle(outcome),
        sawForeign: false,
      };
      const settle = (outcome: Outcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (this.waiter === waiter) this.waiter = undefined;
        resolve({ outcome, sawForeign: waiter.sawForeign });
      };
      this.waiter = waiter;
      this.stats.bytesWritten += frame.length;
      this.transport.write(frame).catch((error: unknown) => {
        settle({
          kind: 'gone',
          error:
            error instanceof AppError
              ? error
              : new AppError('device.gone', `${this.description}: write failed`, { device: 'idCardReader' }),
        });
      });
    });
  }

  /** Hands what the parser found to the command waiting for it; anything else is dropped. */
  private take(events: ParseEvent[]): void {
    for (const event of events) {
      const waiter = this.waiter;
      if (event.kind === 'frame') {
        const response = decodeResponse(event.payload);
        if (waiter && waiter.accepts(response)) {
          waiter.settle({ kind: 'answer', response });
        } else {
          this.stats.framesDropped++;
          if (waiter) waiter.sawForeign = true;
        }
      } else if (event.kind === 'rejected') {
        this.stats.framesRejected++;
        // A damaged frame while a command waits is most likely its answer: send again now.
        if (waiter && event.reason !== 'torn') waiter.settle({ kind: 'damaged' });
      } else if (waiter) {
        waiter.sawForeign = true;
      }
    }
  }
}
