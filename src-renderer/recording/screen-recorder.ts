// The clerk's screen as rrweb DOM events (@rrweb/record), cut into segments on the
// camera's cadence: each segment is the UTF-8 JSON array of the events of its span.
// Spans follow each other without a hole (a span with no event is folded into the
// next), and a full snapshot starts a segment at least once a minute, so a player can
// begin near any point without reading the session from its start. Masking: see masking.ts.
import { record } from '@rrweb/record';
import { BLOCK_CLASS, MASK_CLASS, maskAttributes, maskText } from './masking.ts';

/** A full snapshot at least this often (one opens every recording). */
export const CHECKOUT_MS = 60_000;

export interface ScreenSegment {
  bytes: Uint8Array;
  startMs: number;
  endMs: number;
}

export interface ScreenRecorderOptions {
  segmentMs: number;
  /** The personal strings of the session now (masking.ts sensitiveTexts). */
  sensitive: () => readonly string[];
  onSegment: (segment: ScreenSegment) => void;
  now?: () => number;
}

export class ScreenRecorder {
  readonly #options: ScreenRecorderOptions;
  readonly #now: () => number;
  #events: unknown[] = [];
  #spanStart = 0;
  #lastCheckout = 0;
  #stopRecord: (() => void) | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: ScreenRecorderOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#spanStart = this.#now();
    this.#lastCheckout = this.#spanStart;
    const sensitive = this.#options.sensitive;
    this.#stopRecord = record({
      emit: (event) => this.#events.push(event),
      // Every input's value, whatever its kind: no allow-list to keep up to date.
      maskAllInputs: true,
      // Every text node is looked at; maskText stars what is personal (and all of an rr-mask element).
      maskTextSelector: '*',
      maskTextFn: (text, element) => maskText(text, sensitive(), element?.closest(`.${MASK_CLASS}`) != null),
      blockClass: BLOCK_CLASS,
      // Pictures inlined as data: URLs (the card's photo) stay out; blob: URLs mean nothing later.
      blockSelector: 'img[src^="data:"]',
      recordCanvas: false,
      collectFonts: false,
      inlineImages: false,
      // Mouse moves are sampled: enough to follow the pointer, not a flood.
      sampling: { mousemove: 100, scroll: 150, input: 'last' },
      // Words in attributes (alt, title, aria-label …) masked like the text (masking.ts).
      plugins: [
        {
          name: 'tongban/mask-attributes',
          options: {},
          eventProcessor: (event) => maskAttributes(event, sensitive()) as never,
        },
      ],
    });
    this.#timer = setInterval(() => this.#cut(), this.#options.segmentMs);
  }

  /** Stops recording and delivers what is left as the last segment. */
  stop(): void {
    clearInterval(this.#timer);
    this.#stopRecord?.();
    this.#stopRecord = undefined;
    this.#cut();
  }

  #cut(): void {
    if (this.#events.length === 0) return;
    const endMs = this.#now();
    const events = this.#events;
    this.#events = [];
    const startMs = this.#spanStart;
    this.#spanStart = endMs;
    this.#options.onSegment({ bytes: new TextEncoder().encode(JSON.stringify(events)), startMs, endMs });
    if (this.#stopRecord && endMs - this.#lastCheckout >= CHECKOUT_MS) {
      this.#lastCheckout = endMs;
      record.takeFullSnapshot(true);
    }
  }
}
