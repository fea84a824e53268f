// The ESC/POS encoder for Chinese thermal receipt printers: a small document model
// (`PrintDocument`: lines of text, label–value pairs, QR code, CODE128, raster image,
// feed, cut) in, the bytes a printer in Chinese mode prints out. Pure: no I/O, no time.
// The receipt layout (later) builds a PrintDocument; the driver sends the bytes.
//
// Invariants (tests/main/devices/printer/escpos.test.ts reads the bytes back with our
// own reader, escpos-reader.ts):
// - text is GB18030 in Chinese mode: 1 byte for ASCII, 2 for GB2312/GBK, 4 for the rest
//   (𠮷, 㐀 …); every character round-trips;
// - a line never holds more columns than the paper has at the current character width
//   (ASCII one column, anything else two), and wrapping never splits a character, so
//   never a GB18030 sequence;
// - text can never carry a command: control characters become spaces or '?';
// - every command's length bytes say exactly what follows.
import iconv from 'iconv-lite';

/** Paper width in mm; the printable columns of font A (12 × 24 dots) on it. */
export type PaperWidth = 58 | 80;
export const COLUMNS: Readonly<Record<PaperWidth, number>> = { 58: 32, 80: 48 };
/** Printable dots across (8 dots/mm, 48 and 72 mm printable). */
export const DOTS: Readonly<Record<PaperWidth, number>> = { 58: 384, 80: 576 };

export type Align = 'left' | 'center' | 'right';
export type QrErrorLevel = 'L' | 'M' | 'Q' | 'H';

export interface TextStyle {
  align?: Align;
  bold?: boolean;
  underline?: boolean;
  /** Character width and height multipliers, 1–8 (GS ! n). */
  width?: number;
  height?: number;
}

/** A 1-bit image: rows of ceil(width / 8) bytes, most significant bit leftmost, 1 = black. */
export interface RasterImage {
  width: number;
  height: number;
  bits: Uint8Array;
}

export type Block =
  /** Text, wrapped to the paper; '\n' starts a new line. */
  | ({ kind: 'text'; text: string } & TextStyle)
  /** A label on the left and a value on the right of one line (the value wraps under it when both do not fit). */
  | { kind: 'pair'; left: string; right: string; bold?: boolean }
  /** A line of one character across the paper (a rule). */
  | { kind: 'rule'; char?: string }
  | { kind: 'qr'; data: string; moduleSize?: number; errorLevel?: QrErrorLevel; align?: Align }
  | { kind: 'barcode'; data: string; height?: number; moduleWidth?: number; hri?: boolean; align?: Align }
  | { kind: 'image'; image: RasterImage; align?: Align }
  | { kind: 'feed'; lines: number }
  /** Feeds `feed` lines (default 4, past the cutter) and cuts. */
  | { kind: 'cut'; partial?: boolean; feed?: number };

/** What a receipt, a test page or any print job is before it is bytes. */
export interface PrintDocument {
  paper: PaperWidth;
  blocks: readonly Block[];
}

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const LF = 0x0a;

export const CMD = {
  init: [ESC, 0x40],
  chineseOn: [FS, 0x26],
  chineseOff: [FS, 0x2e],
} as const;

const ALIGN_CODE: Readonly<Record<Align, number>> = { left: 0, center: 1, right: 2 };
const QR_LEVEL_CODE: Readonly<Record<QrErrorLevel, number>> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };
/** Byte-mode capacity of a version 40 symbol at level L; printers refuse more. */
export const QR_MAX_BYTES = 2953;
/** Rows per raster command: some printers' buffers take no more at once. */
const RASTER_BAND_ROWS = 128;

/** Columns a character takes: one for what GB18030 writes in one byte (ASCII), else two. */
export function charColumns(char: string): number {
  const code = char.codePointAt(0)!;
  return code < 0x80 ? 1 : 2;
}

export function textColumns(text: string): number {
  let columns = 0;
  for (const char of text) columns += charColumns(char);
  return columns;
}

/** Control characters would be commands to the printer: a tab is a space, the rest '?'. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?');
}

/**
 * Splits text into lines of at most `columns` columns, by whole characters (code points).
 * A run of Latin letters or digits that would be cut moves whole to the next line when
 * a space before it lets it; every character is kept, so the lines joined are the text.
 */
export function wrapText(text: string, columns: number): string[] {
  if (columns < 2) throw new RangeError(`a line needs at least 2 columns, not ${columns}`);
  const lines: string[] = [];
  for (const paragraph of printable(text).split('\n')) {
    let line: string[] = [];
    let used = 0;
    for (const char of paragraph) {
      const width = charColumns(char);
      if (used + width > columns) {
        let carry: string[] = [];
        if (/[A-Za-z0-9]/.test(char)) {
          const space = line.lastIndexOf(' ');
          if (space > 0 && /^[A-Za-z0-9]+$/.test(line.slice(space + 1).join(''))) {
            carry = line.slice(space + 1);
            line = line.slice(0, space + 1);
          }
        }
        lines.push(line.join(''));
        line = carry;
        used = textColumns(carry.join(''));
      }
      line.push(char);
      used += width;
    }
    lines.push(line.join(''));
  }
  return lines;
}

/** GB18030 bytes of a text (Chinese mode). */
export function gb18030(text: string): Uint8Array {
  return iconv.encode(text, 'gb18030');
}

function clampSize(n: number | undefined, name: string): number {
  const value = n ?? 1;
  if (!Number.isInteger(value) || value < 1 || value > 8) throw new RangeError(`${name} must be 1–8, not ${n}`);
  return value;
}

/** Label and value on one line, the value flush right; lines of their own when they do not fit. */
export function pairLines(left: string, right: string, columns: number): string[] {
  const l = printable(left);
  const r = printable(right);
  const gap = columns - textColumns(l) - textColumns(r);
  if (gap >= 1) return [l + ' '.repeat(gap) + r];
  const lines = wrapText(l, columns);
  for (const line of wrapText(r, columns)) lines.push(' '.repeat(columns - textColumns(line)) + line);
  return lines;
}

class ByteSink {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;
  push(...bytes: number[]): void {
    this.add(Uint8Array.from(bytes));
  }
  add(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

function lineOut(sink: ByteSink, text: string): void {
  sink.add(gb18030(text));
  sink.push(LF);
}

/** The QR commands of the reference: model 2, module size, error level, store, print. */
export function qrCommands(data: string, moduleSize = 6, errorLevel: QrErrorLevel = 'M'): Uint8Array {
  if (!Number.isInteger(moduleSize) || moduleSize < 1 || moduleSize > 16) {
    throw new RangeError(`QR module size must be 1–16, not ${moduleSize}`);
  }
  const payload = new TextEncoder().encode(data);
  if (payload.length === 0 || payload.length > QR_MAX_BYTES) {
    throw new RangeError(`a QR code holds 1–${QR_MAX_BYTES} bytes, not ${payload.length}`);
  }
  const sink = new ByteSink();
  sink.push(GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00);
  sink.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleSize);
  sink.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, QR_LEVEL_CODE[errorLevel]);
  const length = payload.length + 3;
  sink.push(GS, 0x28, 0x6b, length & 0xff, length >> 8, 0x31, 0x50, 0x30);
  sink.add(payload);
  sink.push(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30);
  return sink.bytes();
}

/** CODE128 in code set B (printable ASCII); '{' is written '{{' as the command wants. */
export function code128Commands(data: string, height = 80, moduleWidth = 2, hri = true): Uint8Array {
  if (!/^[\x20-\x7e]+$/.test(data)) throw new RangeError('CODE128 (set B) takes printable ASCII only');
  if (!Number.isInteger(height) || height < 1 || height > 255)
    throw new RangeError(`barcode height 1–255, not ${height}`);
  if (!Number.isInteger(moduleWidth) || moduleWidth < 2 || moduleWidth > 6) {
    throw new RangeError(`barcode module width 2–6, not ${moduleWidth}`);
  }
  const body = new TextEncoder().encode(`{B${data.replace(/\{/g, '{{')}`);
  if (body.length > 255) throw new RangeError('CODE128 data too long');
  const sink = new ByteSink();
  sink.push(GS, 0x68, height, GS, 0x77, moduleWidth, GS, 0x48, hri ? 2 : 0);
  sink.push(GS, 0x6b, 0x49, body.length);
  sink.add(body);
  return sink.bytes();
}

/** GS v 0 in bands of rows. */
export function rasterCommands(image: RasterImage): Uint8Array {
  const rowBytes = Math.ceil(image.width / 8);
  if (image.width < 1 || image.height < 1 || image.bits.length !== rowBytes * image.height) {
    throw new RangeError(`raster image ${image.width}×${image.height} needs ${rowBytes * image.height} bytes`);
  }
  const sink = new ByteSink();
  for (let top = 0; top < image.height; top += RASTER_BAND_ROWS) {
    const rows = Math.min(RASTER_BAND_ROWS, image.height - top);
    sink.push(GS, 0x76, 0x30, 0x00, rowBytes & 0xff, rowBytes >> 8, rows & 0xff, rows >> 8);
    sink.add(image.bits.subarray(top * rowBytes, (top + rows) * rowBytes));
  }
  return sink.bytes();
}

/** The bytes of a document: initialise, Chinese mode, the blocks, each block leaving the default style behind it. */
export function encodeDocument(document: PrintDocument): Uint8Array {
  const columns = COLUMNS[document.paper];
  if (columns === undefined) throw new RangeError(`paper width must be 58 or 80 mm, not ${document.paper}`);
  const sink = new ByteSink();
  sink.push(...CMD.init, ...CMD.chineseOn);
  for (const block of document.blocks) {
    switch (block.kind) {
      case 'text': {
        const width = clampSize(block.width, 'width');
        const height = clampSize(block.height, 'height');
        sink.push(ESC, 0x61, ALIGN_CODE[block.align ?? 'left']);
        if (block.bold) sink.push(ESC, 0x45, 1);
        if (block.underline) sink.push(ESC, 0x2d, 1);
        if (width > 1 || height > 1) sink.push(GS, 0x21, ((width - 1) << 4) | (height - 1));
        for (const line of wrapText(block.text, Math.floor(columns / width))) lineOut(sink, line);
        if (width > 1 || height > 1) sink.push(GS, 0x21, 0);
        if (block.underline) sink.push(ESC, 0x2d, 0);
        if (block.bold) sink.push(ESC, 0x45, 0);
        sink.push(ESC, 0x61, 0);
        break;
      }
      case 'pair':
        if (block.bold) sink.push(ESC, 0x45, 1);
        for (const line of pairLines(block.left, block.right, columns)) lineOut(sink, line);
        if (block.bold) sink.push(ESC, 0x45, 0);
        break;
      case 'rule': {
        const char = printable(block.char ?? '-');
        if ([...char].length !== 1) throw new RangeError('a rule is drawn with one character');
        lineOut(sink, char.repeat(Math.floor(columns / charColumns(char))));
        break;
      }
      case 'qr':
        sink.push(ESC, 0x61, ALIGN_CODE[block.align ?? 'center']);
        sink.add(qrCommands(block.data, block.moduleSize, block.errorLevel));
        sink.push(LF, ESC, 0x61, 0);
        break;
      case 'barcode':
        sink.push(ESC, 0x61, ALIGN_CODE[block.align ?? 'center']);
        sink.add(code128Commands(block.data, block.height, block.moduleWidth, block.hri ?? true));
        sink.push(LF, ESC, 0x61, 0);
        break;
      case 'image':
        if (block.image.width > DOTS[document.paper]) {
          throw new RangeError(`an image ${block.image.width} dots wide does not fit ${DOTS[document.paper]} dots`);
        }
        sink.push(ESC, 0x61, ALIGN_CODE[block.align ?? 'center']);
        sink.add(rasterCommands(block.image));
        sink.push(ESC, 0x61, 0);
        break;
      case 'feed':
        if (!Number.isInteger(block.lines) || block.lines < 0 || block.lines > 255) {
          throw new RangeError(`feed 0–255 lines, not ${block.lines}`);
        }
        sink.push(ESC, 0x64, block.lines);
        break;
      case 'cut': {
        const feed = block.feed ?? 4;
        if (!Number.isInteger(feed) || feed < 0 || feed > 255) throw new RangeError(`cut feed 0–255, not ${feed}`);
        sink.push(GS, 0x56, block.partial ? 0x42 : 0x41, feed);
        break;
      }
    }
  }
  return sink.bytes();
}
