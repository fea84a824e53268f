// The card desk: what the window's ID card reader has to say to the clerk's screens.
// It keeps the last card read, with its findings and photo, while the card lies on the
// reader and a while after (the clerk may be on another step when it is taken away),
// tells every change, and hands a reading to the intake when the clerk uses it.
//
// A reading is forgotten FORGET_MS after its card was taken away, and at once when the
// next card is read: a card's identity stays in memory no longer than the visit needs.
import { v7 as uuidv7 } from 'uuid';
import type { CardDeskState, CardReading } from '../api/contract/devices.ts';
import { AppError, type WireError } from '../common/errors.ts';
import type { DeviceRegistry, IdCardEvent } from './devices.ts';

/** How long a reading is kept after its card was taken away. */
export const FORGET_MS = 10 * 60_000;

export class IdCardDesk {
  private reading: CardReading | null = null;
  private onReader = false;
  private unreadable: WireError | null = null;
  private forgetTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(state: CardDeskState) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    devices: Pick<DeviceRegistry, 'onIdCard'>,
    private readonly forgetMs = FORGET_MS,
  ) {
    this.unsubscribe = devices.onIdCard((event) => this.take(event));
  }

  state(): CardDeskState {
    return { reading: this.reading, onReader: this.onReader, unreadable: this.unreadable };
  }

  subscribe(listener: (state: CardDeskState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The reading `readId`, for the intake to fill an identity from; intake.cardReadingGone once forgotten or replaced. */
  held(readId: string): CardReading {
    if (this.reading?.readId !== readId) {
      throw new AppError('intake.cardReadingGone', `card reading ${readId} is no longer held`);
    }
    return this.reading;
  }

  /** Notes that the reading filled an identity of `draftId` (the UI fills a new draft only from an unused card). */
  markUsed(readId: string, draftId: string): void {
    if (this.reading?.readId !== readId || this.reading.usedBy.includes(draftId)) return;
    this.reading = { ...this.reading, usedBy: [...this.reading.usedBy, draftId] };
    this.tell();
  }

  close(): void {
    clearTimeout(this.forgetTimer);
    this.unsubscribe();
    this.listeners.clear();
  }

  private take(event: IdCardEvent): void {
    clearTimeout(this.forgetTimer);
    switch (event.kind) {
      case 'read':
        this.reading = {
          readId: uuidv7(),
          readAt: event.at,
          identity: event.identity,
          photo: event.photoImage
            ? { present: true, image: event.photoImage }
            : {
                present: event.identity.photo.present,
                ...(event.photoProblem ? { problem: event.photoProblem } : {}),
              },
          findings: event.checks.findings,
          age: event.checks.age,
          usedBy: [],
        };
        this.onReader = true;
        this.unreadable = null;
        break;
      case 'removed':
        this.onReader = false;
        this.unreadable = null;
        if (this.reading) {
          this.forgetTimer = setTimeout(() => this.forget(), Math.max(0, this.forgetMs));
          this.forgetTimer.unref();
        }
        break;
      case 'unreadable':
        this.onReader = false;
        this.unreadable = event.error;
        break;
    }
    this.tell();
  }

  private forget(): void {
    if (this.onReader) return;
    this.reading = null;
    this.tell();
  }

  private tell(): void {
    const state = this.state();
    for (const listener of [...this.listeners]) listener(state);
  }
}
