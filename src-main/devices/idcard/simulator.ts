// A card reader that is not there: the SAM's side of GA 467, answering the real frames
// over any byte transport — one end of a socat pty pair (a real tty between it and the
// driver) or the in-process pair of the demo profile. It paces what it sends at the line
// speed (10 bits a byte on 8N1), so timings measured against it are the wire's, and it
// misbehaves on request: damaged checksums, torn frames, a slow SAM, noise, late answers
// to other commands, a SAM that fails its self-test, a cable pulled mid-read.
import type { ByteTransport } from '../transport.ts';
import { type DeckCard, DECK, pseudoRandomBytes } from './deck.ts';
import { COMMANDS, type CommandName, wireMs } from './driver.ts';
import { decodeCommand, encodeResponse, FrameParser, MIN_COMMAND_LEN, type ParseEvent } from './frames.ts';
import { STATUS } from './status.ts';
import { encodeTextBlock, encodeUcs2 } from './text-block.ts';

export type Fault =
  /** The next `count` answers carry a wrong checksum. */
  | { kind: 'checksum'; count?: number }
  /** The next `count` answers stop halfway; the rest never comes. */
  | { kind: 'torn'; count?: number }
  /** Every answer waits this long first (a slow SAM), until cleared. */
  | { kind: 'slow'; delayMs: number }
  /** The next `count` commands get no answer at all. */
  | { kind: 'silent'; count?: number }
  /** The next answer is preceded by `bytes` of noise. */
  | { kind: 'garbage'; bytes: number }
  /** The next `count` answers are preceded by an answer to another command (a late one). */
  | { kind: 'stale'; count?: number }
  /** The next answer to a read pulls the cable after `afterBytes` of it (default: half). */
  | { kind: 'unplug'; afterBytes?: number }
  /** Every command is answered 60: the SAM failed its self-test. */
  | { kind: 'samFailure' }
  /** The next `count` of this command get this status (e.g. 41 read failed, 31 authentication). */
  | { kind: 'status'; command: CommandName; status: number; count?: number };

export interface EmulatorOptions {
  /** Line speed to pace answers at; default the transport's, 0 to send at once. */
  baudRate?: number;
  /** What pulling the cable does (kill socat, unplug an in-process pair). */
  unplug?: () => void;
  /** The SAM id's 16 bytes. */
  samId?: Uint8Array;
  /** Answer select with 8 zero bytes, as readers do that give no card serial. */
  zeroSerial?: boolean;
}

const NAMES = new Map<string, CommandName>(
  (Object.entries(COMMANDS) as Array<[CommandName, readonly [number, number]]>).map(([name, [cmd, para]]) => [
    `${cmd}:${para}`,
    name,
  ]),
);

/** Reads as 05.01-20190312-0001234567-0123456789 (driver.ts formats it). */
export const SIMULATOR_SAM_ID = '05.01-20190312-0001234567-0123456789';
const DEFAULT_SAM_ID = Uint8Array.of(
  5,
  0,
  1,
  0,
  0x68,
  0x14,
  0x34,
  0x01,
  0x87,
  0xd6,
  0x12,
  0x00,
  0x15,
  0xcd,
  0x5b,
  0x07,
);

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class CardReaderEmulator {
  private readonly parser = new FrameParser({ minLen: MIN_COMMAND_LEN });
  private readonly faults: Fault[] = [];
  private onReader: DeckCard | undefined;
  private queue: Promise<void> = Promise.resolve();
  private lineFreeAt = 0;
  private closed = false;
  private readonly baudRate: number;
  private readonly off: () => void;
  /** Commands received, in order (tests read what the driver sent). */
  readonly received: Array<CommandName | 'unknown' | 'damaged'> = [];
  /** Bytes sent, for the benchmark's wire time. */
  bytesSent = 0;

  constructor(
    private readonly transport: ByteTransport,
    private readonly options: EmulatorOptions = {},
  ) {
    this.baudRate = options.baudRate ?? transport.baudRate ?? 0;
    this.off = transport.onData((chunk) => this.take(this.parser.push(chunk)));
  }

  /** Lays a card on the reader: a deck card, or its number in the deck counted from 1. */
  place(card: DeckCard | number): DeckCard {
    const chosen = typeof card === 'number' ? DECK[card - 1] : card;
    if (!chosen) throw new RangeError(`the deck has cards 1 to ${DECK.length}`);
    this.onReader = chosen;
    return chosen;
  }

  remove(): void {
    this.onReader = undefined;
  }

  get card(): DeckCard | undefined {
    return this.onReader;
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.off();
    await this.transport.close();
  }

  private take(events: ParseEvent[]): void {
    for (const event of events) {
      if (event.kind === 'frame') {
        const { cmd, para } = decodeCommand(event.payload);
        const name = NAMES.get(`${cmd}:${para}`);
        this.received.push(name ?? 'unknown');
        this.enqueue(name, event.size);
      } else if (event.kind === 'rejected' && event.reason === 'checksum') {
        // The SAM received a damaged frame: it says so (10) rather than keep silent.
        this.received.push('damaged');
        this.enqueue('damaged', 10);
      }
    }
  }

  /** Answers go out one after another, in the order the commands came. */
  private enqueue(name: CommandName | 'damaged' | undefined, commandBytes: number): void {
    const arrived = performance.now();
    // The command took its time on the line before the SAM had all of it.
    const start = arrived + (this.baudRate ? wireMs(commandBytes, this.baudRate) : 0);
    this.queue = this.queue.then(() => this.answer(name, start)).catch(() => undefined);
  }

  private takeFault<K extends Fault['kind']>(kind: K, match?: (fault: Extract<Fault, { kind: K }>) => boolean) {
    const index = this.faults.findIndex((f) => f.kind === kind && (!match || match(f as Extract<Fault, { kind: K }>)));
    if (index < 0) return undefined;
    const fault = this.faults[index] as Extract<Fault, { kind: K }>;
    const counted = fault as { count?: number };
    if (kind !== 'slow' && kind !== 'samFailure') {
      counted.count = (counted.count ?? 1) - 1;
      if (counted.count <= 0) this.faults.splice(index, 1);
    }
    return fault;
  }

  private hasFault(kind: Fault['kind']): boolean {
    return this.faults.some((f) => f.kind === kind);
  }

  private response(name: CommandName | 'damaged' | undefined): Uint8Array {
    if (name === 'damaged') return encodeResponse(STATUS.checksumError);
    if (name === undefined) return encodeResponse(STATUS.unknownCommand);
    if (this.hasFault('samFailure')) return encodeResponse(STATUS.samSelfTestFailed);
    const forced = this.takeFault('status', (f) => f.command === name);
    if (forced) return encodeResponse(forced.status);
    const card = this.onReader;
    switch (name) {
      case 'resetSam':
      case 'samStatus':
        return encodeResponse(STATUS.ok);
      case 'samId':
        return encodeResponse(STATUS.ok, this.options.samId ?? DEFAULT_SAM_ID);
      case 'findCard':
        return card ? encodeResponse(STATUS.cardFound, new Uint8Array(4)) : encodeResponse(STATUS.findFailed);
      case 'selectCard':
        return card
          ? encodeResponse(
              STATUS.ok,
              this.options.zeroSerial ? new Uint8Array(8) : pseudoRandomBytes(`serial:${card.text.idNumber}`, 8),
            )
          : encodeResponse(STATUS.selectFailed);
      case 'read':
      case 'readWithFingerprint': {
        if (!card) return encodeResponse(STATUS.readFailed);
        const text = encodeTextBlock(card.text);
        const prints = name === 'readWithFingerprint' ? (card.fingerprints ?? new Uint8Array(0)) : undefined;
        const header = prints === undefined ? 4 : 6;
        const data = new Uint8Array(header + text.length + card.photo.length + (prints?.length ?? 0));
        data[0] = text.length >> 8;
        data[1] = text.length & 0xff;
        data[2] = card.photo.length >> 8;
        data[3] = card.photo.length & 0xff;
        if (prints !== undefined) {
          data[4] = prints.length >> 8;
          data[5] = prints.length & 0xff;
        }
        data.set(text, header);
        data.set(card.photo, header + text.length);
        if (prints !== undefined) data.set(prints, header + text.length + card.photo.length);
        return encodeResponse(STATUS.ok, data);
      }
      case 'readAppendedAddress':
        if (!card) return encodeResponse(STATUS.readFailed);
        return card.appendedAddress === undefined
          ? encodeResponse(STATUS.noContent)
          : encodeResponse(STATUS.ok, encodeUcs2(card.appendedAddress, 70));
    }
  }

  private async answer(name: CommandName | 'damaged' | undefined, start: number): Promise<void> {
    if (this.closed) return;
    if (this.takeFault('silent')) return;
    const slow = this.faults.find((f): f is Extract<Fault, { kind: 'slow' }> => f.kind === 'slow');
    if (slow) await sleep(slow.delayMs);
    let bytes = this.response(name);
    const garbage = this.takeFault('garbage');
    if (garbage) await this.send(pseudoRandomBytes(`noise:${this.bytesSent}`, garbage.bytes), start);
    if (this.takeFault('stale')) {
      // An answer meant for another command: a find answer, or a select answer to a find.
      await this.send(
        name === 'findCard'
          ? encodeResponse(STATUS.ok, new Uint8Array(8))
          : encodeResponse(STATUS.cardFound, new Uint8Array(4)),
        start,
      );
    }
    if (this.takeFault('checksum')) {
      bytes = bytes.slice();
      bytes[bytes.length - 1]! ^= 0x5a;
    }
    if (this.takeFault('torn')) {
      await this.send(bytes.subarray(0, Math.floor(bytes.length / 2)), start);
      return;
    }
    const isRead = name === 'read' || name === 'readWithFingerprint';
    const unplug = isRead ? this.takeFault('unplug') : undefined;
    if (unplug) {
      await this.send(bytes.subarray(0, unplug.afterBytes ?? Math.floor(bytes.length / 2)), start);
      this.closed = true;
      this.options.unplug?.();
      return;
    }
    await this.send(bytes, start);
  }

  /**
   * Writes at the line's pace: each piece leaves when the wire would have carried it,
   * counted from an absolute schedule so late timers do not add up.
   */
  private async send(bytes: Uint8Array, start: number): Promise<void> {
    if (this.closed || bytes.length === 0) return;
    this.bytesSent += bytes.length;
    if (!this.baudRate) {
      await this.transport.write(bytes);
      return;
    }
    const PIECE = 64;
    let at = Math.max(start, this.lineFreeAt, performance.now());
    for (let offset = 0; offset < bytes.length; offset += PIECE) {
      const piece = bytes.subarray(offset, offset + PIECE);
      at += wireMs(piece.length, this.baudRate);
      const wait = at - performance.now();
      if (wait >= 1) await sleep(wait);
      if (this.closed) return;
      await this.transport.write(piece);
    }
    this.lineFreeAt = at;
  }
}
