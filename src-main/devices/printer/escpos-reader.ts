// Our reader of ESC/POS byte streams: what a printer would make of the bytes, as events
// (a printed line with its style, a QR code with its payload, a raster image, a cut, a
// status request …). Incremental, so it takes a stream in chunks however they were cut
// (a TCP segment can end inside a GB18030 sequence or a command); a command is read
// whole by its own length rules, so a 10 04 inside image or QR data is data, not a status
// request. The simulator prints with it and the tests read the encoder's bytes with it.
// Commands it does not know become `unknown` events of their bytes, never an exception.
import iconv from 'iconv-lite';
import {
  type Align,
  COLUMNS,
  DLE,
  ESC,
  FS,
  GS,
  LF,
  type PaperWidth,
  type QrErrorLevel,
  type RasterImage,
  textColumns,
} from './escpos.ts';

export interface LineStyle {
  align: Align;
  bold: boolean;
  underline: boolean;
  width: number;
  height: number;
}

export type ReaderEvent =
  | { kind: 'init' }
  | { kind: 'chineseMode'; on: boolean }
  | { kind: 'line'; text: string; bytes: Uint8Array; style: LineStyle }
  | { kind: 'qr'; data: string; moduleSize: number; errorLevel: QrErrorLevel; model: number; align: Align }
  | {
      kind: 'barcode';
      symbology: number;
      data: string;
      height: number;
      moduleWidth: number;
      hri: boolean;
      align: Align;
    }
  | { kind: 'image'; image: RasterImage; align: Align }
  | { kind: 'feed'; lines: number }
  | { kind: 'cut'; partial: boolean; feed: number }
  | { kind: 'status'; n: number }
  | { kind: 'unknown'; bytes: Uint8Array };

const ALIGNS: readonly Align[] = ['left', 'center', 'right'];
const QR_LEVELS: readonly QrErrorLevel[] = ['L', 'M', 'Q', 'H'];

/** Commands of a fixed length by their first two bytes. */
const FIXED: Readonly<Record<number, Readonly<Record<number, number>>>> = {
  [ESC]: {
    0x40: 2,
    0x61: 3,
    0x45: 3,
    0x2d: 3,
    0x21: 3,
    0x64: 3,
    0x4a: 3,
    0x32: 2,
    0x33: 3,
    0x74: 3,
    0x4d: 3,
    0x52: 3,
    0x70: 5,
    0x47: 3,
    0x56: 3,
    0x7b: 3,
    0x20: 3,
    0x24: 4,
    0x5c: 4,
  },
  [FS]: { 0x26: 2, 0x2e: 2, 0x21: 3, 0x2d: 3, 0x43: 3, 0x57: 3, 0x53: 4 },
  [GS]: { 0x21: 3, 0x68: 3, 0x77: 3, 0x48: 3, 0x66: 3, 0x4c: 4, 0x57: 4, 0x72: 3, 0x61: 3, 0x42: 3, 0x49: 3 },
  [DLE]: { 0x04: 3, 0x05: 3, 0x14: 5 },
};

/** The reader: `push` chunks, get the events each completes; `end` flushes a line left open. */
export class EscPosReader {
  private buffer = new Uint8Array(0);
  private line: number[] = [];
  private chinese = false;
  private style: LineStyle = defaultStyle();
  private qr = { data: new Uint8Array(0), moduleSize: 3, errorLevel: 'L' as QrErrorLevel, model: 2 };
  private barcode = { height: 162, moduleWidth: 3, hri: false };

  push(chunk: Uint8Array): ReaderEvent[] {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer);
    joined.set(chunk, this.buffer.length);
    const events: ReaderEvent[] = [];
    let at = 0;
    while (at < joined.length) {
      const used = this.step(joined, at, events);
      if (used === 0) break;
      at += used;
    }
    this.buffer = joined.slice(at);
    return events;
  }

  /** The stream ended: a line without its LF is still what was sent. */
  end(): ReaderEvent[] {
    const events: ReaderEvent[] = [];
    if (this.buffer.length > 0) events.push({ kind: 'unknown', bytes: this.buffer });
    this.buffer = new Uint8Array(0);
    this.flushLine(events);
    return events;
  }

  /** Reads one item at `at`; answers the bytes it took, 0 when it needs more bytes. */
  private step(b: Uint8Array, at: number, events: ReaderEvent[]): number {
    const first = b[at]!;
    const left = b.length - at;
    if (first === LF) {
      this.flushLine(events, true);
      return 1;
    }
    if (first === 0x0d) return 1;
    if (first >= 0x20 && first !== 0x7f) return this.text(b, at, left);
    if (first !== ESC && first !== FS && first !== GS && first !== DLE) {
      events.push({ kind: 'unknown', bytes: b.slice(at, at + 1) });
      return 1;
    }
    if (left < 2) return 0;
    const second = b[at + 1]!;
    if (first === GS && second === 0x28 && left >= 3) {
      if (left < 5) return 0;
      const length = 5 + b[at + 3]! + (b[at + 4]! << 8);
      if (left < length) return 0;
      this.gsParen(b[at + 2]!, b.subarray(at + 5, at + length), b.slice(at, at + length), events);
      return length;
    }
    if (first === GS && second === 0x28) return 0;
    if (first === GS && second === 0x56) {
      if (left < 3) return 0;
      const m = b[at + 2]!;
      const length = m === 0x41 || m === 0x42 ? 4 : 3;
      if (left < length) return 0;
      this.flushLine(events);
      events.push({ kind: 'cut', partial: m === 1 || m === 0x31 || m === 0x42, feed: length === 4 ? b[at + 3]! : 0 });
      return length;
    }
    if (first === GS && second === 0x6b) return this.barcodeCommand(b, at, left, events);
    if (first === GS && second === 0x76) {
      if (left < 8) return 0;
      const rowBytes = b[at + 4]! + (b[at + 5]! << 8);
      const rows = b[at + 6]! + (b[at + 7]! << 8);
      const length = 8 + rowBytes * rows;
      if (left < length) return 0;
      this.flushLine(events);
      events.push({
        kind: 'image',
        image: { width: rowBytes * 8, height: rows, bits: b.slice(at + 8, at + length) },
        align: this.style.align,
      });
      return length;
    }
    const length = FIXED[first]?.[second];
    if (length === undefined) {
      events.push({ kind: 'unknown', bytes: b.slice(at, at + 2) });
      return 2;
    }
    if (left < length) return 0;
    this.fixed(first, second, b.subarray(at + 2, at + length), b.slice(at, at + length), events);
    return length;
  }

  /** Text bytes up to the next control byte; a GB18030 sequence is taken whole or waited for. */
  private text(b: Uint8Array, at: number, left: number): number {
    let i = at;
    while (i < b.length) {
      const byte = b[i]!;
      if (byte < 0x20 || byte === 0x7f) break;
      if (!this.chinese || byte < 0x81 || byte === 0xff) {
        this.line.push(byte);
        i += 1;
        continue;
      }
      if (i + 1 >= b.length) break;
      const size = b[i + 1]! >= 0x30 && b[i + 1]! <= 0x39 ? 4 : 2;
      if (i + size > b.length) break;
      for (let k = 0; k < size; k++) this.line.push(b[i + k]!);
      i += size;
    }
    return i - at === 0 && left > 0 ? 0 : i - at;
  }

  private flushLine(events: ReaderEvent[], always = false): void {
    if (this.line.length === 0 && !always) return;
    const bytes = Uint8Array.from(this.line);
    this.line = [];
    const text = this.chinese ? iconv.decode(Buffer.from(bytes), 'gb18030') : Buffer.from(bytes).toString('latin1');
    events.push({ kind: 'line', text, bytes, style: { ...this.style } });
  }

  private fixed(first: number, second: number, args: Uint8Array, bytes: Uint8Array, events: ReaderEvent[]): void {
    const n = args[0] ?? 0;
    if (first === ESC && second === 0x40) {
      this.flushLine(events);
      this.style = defaultStyle();
      this.chinese = false;
      events.push({ kind: 'init' });
    } else if (first === ESC && second === 0x61) this.style.align = ALIGNS[n % 48] ?? 'left';
    else if (first === ESC && second === 0x45) this.style.bold = (n & 1) === 1;
    else if (first === ESC && second === 0x2d) this.style.underline = (n & 3) !== 0;
    else if (first === ESC && second === 0x21) {
      this.style.bold = (n & 0x08) !== 0;
      this.style.height = n & 0x10 ? 2 : 1;
      this.style.width = n & 0x20 ? 2 : 1;
      this.style.underline = (n & 0x80) !== 0;
    } else if (first === ESC && second === 0x64) {
      this.flushLine(events);
      events.push({ kind: 'feed', lines: n });
    } else if (first === FS && (second === 0x26 || second === 0x2e)) {
      this.flushLine(events);
      this.chinese = second === 0x26;
      events.push({ kind: 'chineseMode', on: this.chinese });
    } else if (first === GS && second === 0x21) {
      this.style.width = (n >> 4) + 1;
      this.style.height = (n & 0x0f) + 1;
    } else if (first === GS && second === 0x68) this.barcode.height = n;
    else if (first === GS && second === 0x77) this.barcode.moduleWidth = n;
    else if (first === GS && second === 0x48) this.barcode.hri = n % 48 !== 0;
    else if (first === DLE && second === 0x04) events.push({ kind: 'status', n });
    else if (!(first === ESC && [0x4a, 0x32, 0x33, 0x74, 0x4d, 0x52, 0x47].includes(second))) {
      events.push({ kind: 'unknown', bytes });
    }
  }

  private gsParen(fnClass: number, body: Uint8Array, bytes: Uint8Array, events: ReaderEvent[]): void {
    // GS ( k, cn = 49 (QR code): body is cn fn parameters…
    if (fnClass !== 0x6b || body[0] !== 0x31) {
      events.push({ kind: 'unknown', bytes });
      return;
    }
    const fn = body[1];
    if (fn === 0x41) this.qr.model = (body[2] ?? 0x32) - 0x30;
    else if (fn === 0x43) this.qr.moduleSize = body[2] ?? 3;
    else if (fn === 0x45) this.qr.errorLevel = QR_LEVELS[(body[2] ?? 0x30) - 0x30] ?? 'L';
    else if (fn === 0x50) this.qr.data = body.slice(3);
    else if (fn === 0x51) {
      this.flushLine(events);
      events.push({
        kind: 'qr',
        data: new TextDecoder().decode(this.qr.data),
        moduleSize: this.qr.moduleSize,
        errorLevel: this.qr.errorLevel,
        model: this.qr.model,
        align: this.style.align,
      });
    } else events.push({ kind: 'unknown', bytes });
  }

  private barcodeCommand(b: Uint8Array, at: number, left: number, events: ReaderEvent[]): number {
    if (left < 3) return 0;
    const m = b[at + 2]!;
    let start: number;
    let end: number;
    let length: number;
    if (m <= 6) {
      const nul = b.indexOf(0, at + 3);
      if (nul < 0) return 0;
      start = at + 3;
      end = nul;
      length = nul + 1 - at;
    } else {
      if (left < 4) return 0;
      start = at + 4;
      end = start + b[at + 3]!;
      length = end - at;
      if (left < length) return 0;
    }
    let data = Buffer.from(b.subarray(start, end)).toString('latin1');
    if (m === 0x49) data = data.replace(/^\{[ABC]/, '').replace(/\{\{/g, '{');
    this.flushLine(events);
    events.push({ kind: 'barcode', symbology: m, data, ...this.barcode, align: this.style.align });
    return length;
  }
}

function defaultStyle(): LineStyle {
  return { align: 'left', bold: false, underline: false, width: 1, height: 1 };
}

/** All the events of a whole stream. */
export function readEscPos(bytes: Uint8Array): ReaderEvent[] {
  const reader = new EscPosReader();
  return [...reader.push(bytes), ...reader.end()];
}

/** The printed lines' texts, in order (for tests and the preview). */
export function printedLines(events: readonly ReaderEvent[]): string[] {
  return events.flatMap((event) => (event.kind === 'line' ? [event.text] : []));
}

/** The paper as text: lines placed by their alignment, codes and images named in brackets, cuts as a dashed line. */
export function renderText(events: readonly ReaderEvent[], paper: PaperWidth): string {
  const columns = COLUMNS[paper];
  const out: string[] = [];
  const place = (text: string, align: Align, width = 1) => {
    const room = Math.max(0, Math.floor(columns / width) - textColumns(text));
    const pad = align === 'center' ? Math.floor(room / 2) : align === 'right' ? room : 0;
    out.push((' '.repeat(pad) + text).replace(/\s+$/, ''));
  };
  for (const event of events) {
    if (event.kind === 'line') place(event.text, event.style.align, event.style.width);
    else if (event.kind === 'qr') place(`[QR ${event.data}]`, event.align);
    else if (event.kind === 'barcode') place(`[CODE128 ${event.data}]`, event.align);
    else if (event.kind === 'image') place(`[image ${event.image.width}×${event.image.height}]`, event.align);
    else if (event.kind === 'feed') for (let i = 0; i < event.lines; i++) out.push('');
    else if (event.kind === 'cut') out.push(`${'✂'} ${'-'.repeat(columns - 3)}`);
  }
  return out.join('\n');
}
