// A small page composer for A4 documents. Layout and painting are apart: the
// composer measures with the embedded fonts and records what goes where on which
// page (so a layout can be tried and thrown away, as the two-up receipt does),
// then `paint` draws the recorded pages with pdf-lib and numbers them.
import { grayscale, type PDFDocument, type PDFImage, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { wrapText } from './line-break.ts';
import type { Typeface } from './typeface.ts';

/** A4 in points. */
export const PAGE_WIDTH = 595.28;
export const PAGE_HEIGHT = 841.89;
const MARGIN_X = 64;
const MARGIN_TOP = 56;
const MARGIN_BOTTOM = 60;
const FOOTER_BASELINE = 32;
const FOOTER_SIZE = 9;
const FOOTER_GAP = '\u3000\u3000';

/** Height of a line box as a multiple of the font size. */
const LINE_HEIGHT = 1.75;
/** Where a Han character's em box sits: its top is this far above the baseline, in ems. */
const EM_TOP = 0.88;

export type Face = 'regular' | 'bold';

export interface Fonts {
  regular: Typeface;
  bold: Typeface;
}

/** A band of a page that content flows into, in PDF coordinates (y grows upwards). */
export interface Region {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export const FULL_PAGE: Region = {
  top: PAGE_HEIGHT - MARGIN_TOP,
  bottom: MARGIN_BOTTOM,
  left: MARGIN_X,
  right: PAGE_WIDTH - MARGIN_X,
};

type Op =
  | { op: 'text'; x: number; y: number; text: string; size: number; face: Face }
  | { op: 'line'; x1: number; y1: number; x2: number; y2: number; width: number; dash?: number[] }
  | { op: 'fill'; x: number; y: number; width: number; height: number; gray: number }
  | { op: 'qr'; x: number; y: number; size: number; payload: string }
  | { op: 'image'; x: number; y: number; width: number; height: number; png: Uint8Array };

export interface LaidOutPage {
  ops: Op[];
  /** Pages of one section are numbered together (each copy of a receipt is a section). */
  section: number;
  /** Printed before the page number, e.g. which copy of a receipt this is. */
  label?: string;
}

export interface TextStyle {
  size: number;
  face?: Face;
}

export interface ParagraphOptions extends TextStyle {
  /** Extra left offset of the first line (首行缩进), in points. */
  firstIndent?: number;
  /** Left offset of every line. */
  indent?: number;
  align?: 'left' | 'center' | 'right';
}

export interface Column {
  title: string;
  /** Share of the table's width. */
  weight: number;
  align?: 'left' | 'center';
}

export class Composer {
  readonly pages: LaidOutPage[] = [];
  private region: Region = FULL_PAGE;
  private section = 0;
  private sectionLabel: string | undefined;
  /** Top of the next content. */
  y = FULL_PAGE.top;
  /** A box kept clear at the right (the receipt's QR code) down to `floatBottom`. */
  private floatWidth = 0;
  private floatBottom = 0;
  /** Line box height as a multiple of the font size (the receipt sets it tighter). */
  leading = LINE_HEIGHT;

  constructor(private readonly fonts: Fonts) {
    this.pages.push({ ops: [], section: 0 });
  }

  width(text: string, style: TextStyle): number {
    return this.fonts[style.face ?? 'regular'].width(text, style.size);
  }

  lineHeight(size: number): number {
    return size * this.leading;
  }

  get left(): number {
    return this.region.left;
  }

  get right(): number {
    return this.region.right;
  }

  /** Width available to content starting at the current line. */
  get contentWidth(): number {
    const float = this.y > this.floatBottom ? this.floatWidth : 0;
    return this.region.right - this.region.left - float;
  }

  private get page(): LaidOutPage {
    return this.pages.at(-1)!;
  }

  /** Flows the following content into a band of the current page. */
  useRegion(region: Region): void {
    this.region = region;
    this.y = region.top;
    this.floatWidth = 0;
  }

  /** A new page in the same section (page numbers run on). */
  newPage(): void {
    this.pages.push(
      this.sectionLabel === undefined
        ? { ops: [], section: this.section }
        : { ops: [], section: this.section, label: this.sectionLabel },
    );
    this.useRegion(FULL_PAGE);
  }

  /** A new page whose numbering starts again at 1. */
  newSection(label?: string): void {
    this.section += 1;
    this.sectionLabel = label;
    this.newPage();
  }

  /** Labels the current section's footers, this page and those that follow. */
  labelSection(label: string): void {
    this.sectionLabel = label;
    for (const p of this.pages) if (p.section === this.section) p.label = label;
  }

  /** Moves to a new page unless `height` more fits in the current band. */
  ensure(height: number): void {
    if (this.y - height < this.region.bottom - 0.01) this.newPage();
  }

  space(height: number): void {
    this.y -= height;
  }

  /** Keeps `width` points clear at the right for the next `height` points. */
  reserveRight(width: number, height: number): void {
    this.floatWidth = width;
    this.floatBottom = this.y - height;
  }

  clearFloat(): void {
    if (this.floatWidth > 0 && this.y > this.floatBottom) this.y = this.floatBottom;
    this.floatWidth = 0;
  }

  private baseline(top: number, size: number): number {
    return top - (this.lineHeight(size) - size) / 2 - EM_TOP * size;
  }

  /** Draws one line of text whose line box starts at `top`; no wrapping, no page break. */
  textAt(text: string, x: number, top: number, style: TextStyle): void {
    if (text === '') return;
    this.page.ops.push({
      op: 'text',
      x,
      y: this.baseline(top, style.size),
      text,
      size: style.size,
      face: style.face ?? 'regular',
    });
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.6, dash?: number[]): void {
    this.page.ops.push(dash ? { op: 'line', x1, y1, x2, y2, width, dash } : { op: 'line', x1, y1, x2, y2, width });
  }

  fill(x: number, y: number, width: number, height: number, gray: number): void {
    this.page.ops.push({ op: 'fill', x, y, width, height, gray });
  }

  /** A QR code `size` points square with its top-left corner at (x, top). */
  qr(payload: string, x: number, top: number, size: number): void {
    this.page.ops.push({ op: 'qr', x, y: top, size, payload });
  }

  /**
   * A PNG (the applicant's signature) fitted into the box whose bottom-left corner is
   * (x, bottom), keeping its proportions, standing on the box's bottom at its left.
   */
  image(png: Uint8Array, x: number, bottom: number, maxWidth: number, maxHeight: number): void {
    const { width, height } = pngSize(png);
    const scale = Math.min(maxWidth / width, maxHeight / height);
    if (!(scale > 0)) return;
    this.page.ops.push({ op: 'image', x, y: bottom, width: width * scale, height: height * scale, png });
  }

  wrap(text: string, width: number, style: TextStyle): string[] {
    return wrapText(text, width, (s) => this.width(s, style));
  }

  /** Wrapped text, breaking pages between lines; each paragraph's first line indented by `firstIndent`. */
  paragraph(text: string, options: ParagraphOptions): void {
    const indent = options.indent ?? 0;
    const first = options.firstIndent ?? 0;
    const lh = this.lineHeight(options.size);
    for (const part of text.split('\n')) {
      const width = this.contentWidth - indent;
      const lines = wrapText(part, width, (s) => this.width(s, options), width - first);
      lines.forEach((line, i) => {
        this.ensure(lh);
        const offset = indent + (i === 0 ? first : 0);
        const avail = this.contentWidth - offset;
        const w = this.width(line, options);
        const x0 = this.region.left + offset;
        const x = options.align === 'center' ? x0 + (avail - w) / 2 : options.align === 'right' ? x0 + avail - w : x0;
        this.textAt(line, x, this.y, options);
        this.y -= lh;
      });
    }
  }

  /** Lines of a `label：value` pair whose value wraps under itself (悬挂缩进). */
  private labelledLines(label: string, value: string, width: number, style: TextStyle): string[] {
    const labelWidth = this.width(label, style);
    return this.wrap(value, Math.max(width - labelWidth, style.size * 4), style);
  }

  /**
   * A row of `label：value` cells side by side, the row's width shared by `weights`.
   * The row stays on one page.
   */
  fieldRow(cells: Array<[label: string, value: string]>, style: TextStyle, weights?: number[]): void {
    const total = this.contentWidth;
    const shares = weights ?? cells.map(() => 1);
    const sum = shares.reduce((a, b) => a + b, 0);
    const widths = shares.map((s) => (total * s) / sum);
    const laid = cells.map(([label, value], i) => ({
      label,
      lines: this.labelledLines(label, value, widths[i]! - 8, style),
    }));
    const lh = this.lineHeight(style.size);
    const rows = Math.max(...laid.map((c) => c.lines.length));
    this.ensure(rows * lh);
    let x = this.region.left;
    laid.forEach((cell, i) => {
      this.textAt(cell.label, x, this.y, style);
      const vx = x + this.width(cell.label, style);
      cell.lines.forEach((line, j) => this.textAt(line, vx, this.y - j * lh, style));
      x += widths[i]!;
    });
    this.y -= rows * lh;
  }

  /** A bordered table whose header repeats at the top of every page it runs onto. */
  table(
    columns: Column[],
    rows: string[][],
    style: TextStyle,
    headerStyle: TextStyle = { ...style, face: 'bold' },
  ): void {
    this.clearFloat();
    const padX = 4;
    const padY = 3;
    const total = this.contentWidth;
    const sum = columns.reduce((a, c) => a + c.weight, 0);
    const widths = columns.map((c) => (total * c.weight) / sum);
    const lhFor = (s: TextStyle) => this.lineHeight(s.size) * 0.82;

    const layRow = (cells: string[], s: TextStyle) => {
      const lines = cells.map((cell, i) => this.wrap(cell, widths[i]! - 2 * padX, s));
      return { lines, height: Math.max(...lines.map((l) => l.length)) * lhFor(s) + 2 * padY };
    };
    const header = layRow(
      columns.map((c) => c.title),
      headerStyle,
    );

    const drawRow = (row: { lines: string[][]; height: number }, s: TextStyle, shade: boolean) => {
      const top = this.y;
      const bottom = top - row.height;
      const left = this.region.left;
      if (shade) this.fill(left, bottom, total, row.height, 0.92);
      let x = left;
      row.lines.forEach((lines, i) => {
        const w = widths[i]!;
        lines.forEach((line, j) => {
          const lw = this.width(line, s);
          const tx = columns[i]!.align === 'center' ? x + (w - lw) / 2 : x + padX;
          this.textAt(line, tx, top - padY - j * lhFor(s) + (this.lineHeight(s.size) - lhFor(s)) / 2, s);
        });
        this.line(x, top, x, bottom);
        x += w;
      });
      this.line(x, top, x, bottom);
      this.line(left, top, left + total, top);
      this.line(left, bottom, left + total, bottom);
      this.y = bottom;
    };

    const laidRows = rows.map((cells) => layRow(cells, style));
    // The header never ends a page alone: it goes with the first row.
    this.ensure(header.height + (laidRows[0]?.height ?? 0));
    drawRow(header, headerStyle, true);
    for (const row of laidRows) {
      if (this.y - row.height < this.region.bottom) {
        this.newPage();
        drawRow(header, headerStyle, true);
      }
      drawRow(row, style, false);
    }
  }
}

/** A PNG's size in px, from its IHDR chunk (always first: width and height at bytes 16 and 20). */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (png.byteLength < 24) return { width: 0, height: 0 };
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The images the pages draw, embedded once each (embedding is asynchronous, painting is not). */
export async function embedImages(doc: PDFDocument, pages: readonly LaidOutPage[]): Promise<Map<Uint8Array, PDFImage>> {
  const images = new Map<Uint8Array, PDFImage>();
  for (const page of pages) {
    for (const op of page.ops) {
      if (op.op === 'image' && !images.has(op.png)) images.set(op.png, await doc.embedPng(op.png));
    }
  }
  return images;
}

/** The recorded pages drawn into `doc`, each numbered 第 x 页 共 y 页 within its section. */
export function paint(
  doc: PDFDocument,
  fonts: Fonts,
  pages: readonly LaidOutPage[],
  images: ReadonlyMap<Uint8Array, PDFImage> = new Map(),
): void {
  const counts = new Map<number, number>();
  for (const p of pages) counts.set(p.section, (counts.get(p.section) ?? 0) + 1);
  const seen = new Map<number, number>();
  for (const laid of pages) {
    const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    for (const op of laid.ops) drawOp(page, fonts, op, images);
    const n = (seen.get(laid.section) ?? 0) + 1;
    seen.set(laid.section, n);
    const pageNumber = `第 ${n} 页 共 ${counts.get(laid.section)} 页`;
    const footer = laid.label === undefined ? pageNumber : `${laid.label}${FOOTER_GAP}${pageNumber}`;
    const w = fonts.regular.width(footer, FOOTER_SIZE);
    fonts.regular.draw(page, footer, { x: (PAGE_WIDTH - w) / 2, y: FOOTER_BASELINE, size: FOOTER_SIZE });
  }
}

function drawOp(page: PDFPage, fonts: Fonts, op: Op, images: ReadonlyMap<Uint8Array, PDFImage>): void {
  switch (op.op) {
    case 'text':
      fonts[op.face].draw(page, op.text, { x: op.x, y: op.y, size: op.size });
      return;
    case 'line':
      page.drawLine({
        start: { x: op.x1, y: op.y1 },
        end: { x: op.x2, y: op.y2 },
        thickness: op.width,
        ...(op.dash ? { dashArray: op.dash } : {}),
      });
      return;
    case 'fill':
      page.drawRectangle({ x: op.x, y: op.y, width: op.width, height: op.height, color: grayscale(op.gray) });
      return;
    case 'qr':
      drawQr(page, op.payload, op.x, op.y, op.size);
      return;
    case 'image': {
      const image = images.get(op.png);
      if (!image) throw new Error('an image drawn before it was embedded (embedImages)');
      page.drawImage(image, { x: op.x, y: op.y, width: op.width, height: op.height });
      return;
    }
  }
}

/**
 * The QR code as one vector path of its dark modules (sharp at any print
 * resolution, a few hundred bytes). Error correction M survives a fold or a smudge.
 */
function drawQr(page: PDFPage, payload: string, x: number, top: number, size: number): void {
  const { modules } = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let path = '';
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      path += `M${start} ${row}h${col - start}v1h${start - col}z`;
    }
  }
  page.drawSvgPath(path, { x, y: top, scale: size / n, color: grayscale(0) });
}
