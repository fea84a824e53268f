// The reader left on the counter: poll for a card, read a card once when it is placed,
// tell when it is taken away. The same card left on the reader is not read again: the
// select answer's serial tells it when the reader gives one; when it gives zeros, the
// card is read again but, reading to the same key (hash of text and photo), not told again.
//
// Removal is told after two polls in a row find no card. Readers differ in whether "find"
// keeps answering 9F for a card that was read and left lying: if one answers 80, the
// removal is told soon after the read and the card is still not read again until it is
// placed anew — so the UI must not clear an identity on removal alone.
//
// Errors about the card (moved while read, failed authentication, a text block that does
// not parse) are the card's: after a few tries the card is told unreadable and left
// alone until it is taken away. Errors about the reader (gone, silent, SAM fault) end the
// loop: `run` rejects with them and its owner decides (the registry reconnects).
import { AppError } from '../../common/errors.ts';
import type { CardRead, IdCardReader, ReadOptions } from './driver.ts';
import { CARD_ERRORS } from './status.ts';

/** What the loop needs of a reader: the GA 467 driver, or a vendor SDK's (vendor-sdk.ts). */
export type CardSource = Pick<IdCardReader, 'findCard' | 'selectCard' | 'readSelected'>;

export type CardEvent =
  | { kind: 'placed'; card: CardRead }
  | { kind: 'removed' }
  /** A card lies on the reader but cannot be read (the error says why); left alone until removed. */
  | { kind: 'unreadable'; error: AppError };

export interface PresenceOptions {
  /** Pause between polls, ms (default 300). */
  intervalMs?: number;
  /** Polls in a row without a card before the card counts as removed (default 2). */
  removedAfterMisses?: number;
  /** Reads of one placed card before it is told unreadable (default 3). */
  attemptsPerCard?: number;
  read?: ReadOptions;
  /** Told true while a card is being read, false after. */
  onBusy?: (busy: boolean) => void;
}

interface OnReader {
  serial: Uint8Array;
  key: string | undefined;
  /** Unreadable: wait for it to be taken away. */
  held: boolean;
}

function isCardError(error: unknown): error is AppError {
  return error instanceof AppError && CARD_ERRORS.has(error.code);
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
const allZero = (bytes: Uint8Array) => bytes.every((byte) => byte === 0);

export class CardPresence {
  private stopped = false;
  private wake: (() => void) | undefined;
  private current: OnReader | undefined;
  private misses = 0;
  private failures = 0;
  private readonly intervalMs: number;
  private readonly removedAfterMisses: number;
  private readonly attemptsPerCard: number;

  constructor(
    private readonly reader: CardSource,
    private readonly listener: (event: CardEvent) => void,
    private readonly options: PresenceOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 300;
    this.removedAfterMisses = options.removedAfterMisses ?? 2;
    this.attemptsPerCard = options.attemptsPerCard ?? 3;
  }

  /** Whether a card is on the reader as far as the loop knows. */
  get cardPresent(): boolean {
    return this.current !== undefined;
  }

  /** Polls until `stop`; rejects with the reader's error that ended it. */
  async run(): Promise<void> {
    while (!this.stopped) {
      await this.poll();
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Ends the loop after the command under way. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async poll(): Promise<void> {
    if (!(await this.reader.findCard())) {
      this.misses++;
      if (this.current && this.misses >= this.removedAfterMisses) {
        this.current = undefined;
        this.failures = 0;
        this.listener({ kind: 'removed' });
      }
      return;
    }
    this.misses = 0;
    if (this.current?.held) return;
    let reading = false;
    try {
      const serial = await this.reader.selectCard();
      if (this.current && !allZero(serial) && sameBytes(serial, this.current.serial)) return;
      reading = true;
      this.options.onBusy?.(true);
      const card = await this.reader.readSelected(serial, this.options.read);
      this.failures = 0;
      if (this.current?.key === card.key) {
        this.current.serial = serial;
        return;
      }
      this.current = { serial, key: card.key, held: false };
      this.listener({ kind: 'placed', card });
    } catch (error) {
      if (!isCardError(error)) throw error;
      this.failures++;
      if (this.failures >= this.attemptsPerCard) {
        this.current = { serial: new Uint8Array(0), key: undefined, held: true };
        this.listener({ kind: 'unreadable', error });
      }
    } finally {
      if (reading) this.options.onBusy?.(false);
    }
  }
}
