// A receipt printer that is not there (`PrinterSimulator`): it listens on TCP (as a
// network printer on 9100 does) and on a pseudo-terminal (as a serial or USB one does),
// records every byte it is sent, prints what our reader (escpos-reader.ts) makes of them
// onto its roll, answers DLE EOT from its state (paper out, cover open, near end,
// offline), and renders the roll back to text and to a PNG. The preview and the tests use
// it; it speaks the real protocol, so the driver under test is the one the hall runs.
//
// Faults, for the tests and the installers' demonstrations: a roll that runs out after
// some lines (paper out during a job), a printer that never answers DLE EOT, one that
// answers garbage, and (TCP) a connection reset after some bytes.
//
// The PNG draws QR codes, raster images and cuts dot for dot (jsQR decodes the QR codes),
// and text with the outlines of Noto Serif SC (glyphs.ts) in font A's cells (24 × 24 dots
// a CJK character, 12 × 24 an ASCII one); a character the face lacks is its cell's box.
import { createServer, type Server, type Socket } from 'node:net';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { openPtyPair, type PtyPair } from '../pty-pair.ts';
import { openSerialTransport } from '../serial-transport.ts';
import { socketTransport } from '../tcp-transport.ts';
import type { ByteTransport } from '../transport.ts';
import { charColumns, DOTS, type PaperWidth } from './escpos.ts';
import { EscPosReader, type ReaderEvent, renderText } from './escpos-reader.ts';
import { drawGlyph } from './glyphs.ts';
import { statusAnswers } from './status.ts';

export interface PrinterState {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  offline: boolean;
  cutterError: boolean;
}

export type PrinterFault =
  /** The roll holds this many more lines, then the paper is out. */
  | { kind: 'paperRunsOut'; afterLines: number }
  /** DLE EOT goes unanswered. */
  | { kind: 'silent' }
  /** DLE EOT is answered with bytes that are no status. */
  | { kind: 'garbage' }
  /** The TCP connection is reset once this many bytes came in on it. */
  | { kind: 'reset'; afterBytes: number }
  /** The TCP connection stops being read once this many bytes came in on it (a full buffer). */
  | { kind: 'stall'; afterBytes: number };

export interface SimulatorOptions {
  paper?: PaperWidth;
  state?: Partial<PrinterState>;
  faults?: readonly PrinterFault[];
}

const FONT_A = { ascii: 12, cjk: 24, height: 24 };
const LINE_DOTS = 30;

export class PrinterSimulator {
  readonly paper: PaperWidth;
  readonly state: PrinterState;
  private faults: PrinterFault[];
  private readonly chunks: Uint8Array[] = [];
  /** What reached the paper, in order. */
  readonly printed: ReaderEvent[] = [];
  /** What arrived while the printer could not print, and was not printed. */
  readonly dropped: ReaderEvent[] = [];
  /** DLE EOT questions answered (or not), in order. */
  readonly statusRequests: number[] = [];
  private readonly closers = new Set<() => Promise<void>>();

  constructor(options: SimulatorOptions = {}) {
    this.paper = options.paper ?? 80;
    this.state = {
      paperOut: false,
      paperNearEnd: false,
      coverOpen: false,
      offline: false,
      cutterError: false,
      ...options.state,
    };
    this.faults = [...(options.faults ?? [])];
  }

  setState(state: Partial<PrinterState>): void {
    Object.assign(this.state, state);
  }

  inject(fault: PrinterFault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Every byte received, on every connection, in order. */
  received(): Uint8Array {
    return Buffer.concat(this.chunks);
  }

  /** The roll as text (renderText). */
  text(): string {
    return renderText(this.printed, this.paper);
  }

  /** The roll as a PNG: one dot a pixel, black on white. */
  png(): Buffer {
    return renderPng(this.printed, this.paper);
  }

  /** Serves one connection or port: its bytes are read, printed and answered. Answers the detach. */
  attach(transport: ByteTransport): () => void {
    const reader = new EscPosReader();
    const offData = transport.onData((chunk) => {
      this.chunks.push(chunk.slice());
      for (const event of reader.push(chunk)) this.handle(event, transport);
    });
    const offGone = transport.onGone(() => offData());
    return () => {
      offData();
      offGone();
    };
  }

  private canPrint(): boolean {
    const s = this.state;
    return !s.paperOut && !s.coverOpen && !s.offline && !s.cutterError;
  }

  private handle(event: ReaderEvent, transport: ByteTransport): void {
    if (event.kind === 'status') {
      this.statusRequests.push(event.n);
      if (this.faults.some((f) => f.kind === 'silent')) return;
      if (this.faults.some((f) => f.kind === 'garbage')) {
        void transport.write(Uint8Array.of(0xff, 0x00, 0x81)).catch(() => undefined);
        return;
      }
      const answers = statusAnswers(this.state);
      const byte = answers[event.n - 1];
      if (byte !== undefined) void transport.write(Uint8Array.of(byte)).catch(() => undefined);
      return;
    }
    if (event.kind === 'unknown' || event.kind === 'init' || event.kind === 'chineseMode') return;
    if (!this.canPrint()) {
      this.dropped.push(event);
      return;
    }
    const runsOut = this.faults.find(
      (f): f is Extract<PrinterFault, { kind: 'paperRunsOut' }> => f.kind === 'paperRunsOut',
    );
    if (runsOut && event.kind === 'line') {
      if (runsOut.afterLines <= 0) {
        this.state.paperOut = true;
        this.state.paperNearEnd = true;
        this.dropped.push(event);
        return;
      }
      runsOut.afterLines -= 1;
    }
    this.printed.push(event);
  }

  /** Listens on TCP as a network printer; port 0 picks a free one. */
  async listenTcp(port = 9100, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      let count = 0;
      socket.on('data', (chunk: Buffer) => {
        count += chunk.length;
        const reset = this.faults.find((f): f is Extract<PrinterFault, { kind: 'reset' }> => f.kind === 'reset');
        if (reset && count >= reset.afterBytes) {
          this.faults = this.faults.filter((f) => f !== reset);
          socket.resetAndDestroy();
        }
        const stall = this.faults.find((f): f is Extract<PrinterFault, { kind: 'stall' }> => f.kind === 'stall');
        if (stall && count >= stall.afterBytes) socket.pause();
      });
      this.attach(socketTransport(socket, `${socket.remoteAddress}:${socket.remotePort}`));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const close = async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    this.closers.add(close);
    return { port: typeof address === 'object' && address ? address.port : port, close };
  }

  /** Listens on one end of a pty pair; answers the other end's path (the printer's "port"). */
  async listenPty(
    options: { baudRate?: number } = {},
  ): Promise<{ path: string; pty: PtyPair; close(): Promise<void> }> {
    const pty = await openPtyPair();
    const transport = await openSerialTransport(pty.paths[0], {
      baudRate: options.baudRate ?? 115200,
      device: 'receiptPrinter',
    });
    this.attach(transport);
    const close = async () => {
      await transport.close().catch(() => undefined);
      await pty.close();
    };
    this.closers.add(close);
    return { path: pty.paths[1], pty, close };
  }

  async close(): Promise<void> {
    for (const close of [...this.closers]) await close().catch(() => undefined);
    this.closers.clear();
  }
}

/** One dot a pixel: draws the events onto a roll of the paper's printable width. */
export function renderPng(events: readonly ReaderEvent[], paper: PaperWidth): Buffer {
  const width = DOTS[paper];
  const ops: Array<(canvas: Canvas, top: number) => void> = [];
  let height = 8;
  const place = (boxWidth: number, align: 'left' | 'center' | 'right') =>
    align === 'center'
      ? Math.max(0, Math.floor((width - boxWidth) / 2))
      : align === 'right'
        ? Math.max(0, width - boxWidth)
        : 0;
  for (const event of events) {
    const top = height;
    if (event.kind === 'line') {
      const { width: sx, height: sy, align, bold } = event.style;
      const cells = [...event.text].map((char) => ({
        char,
        w: (charColumns(char) === 1 ? FONT_A.ascii : FONT_A.cjk) * sx,
      }));
      const lineWidth = cells.reduce((sum, c) => sum + c.w, 0);
      const rowHeight = Math.max(LINE_DOTS, FONT_A.height * sy + 6);
      let x = place(lineWidth, align);
      const left = x;
      ops.push((canvas) => {
        x = left;
        for (const cell of cells) {
          const box = { x, y: top, w: cell.w, h: FONT_A.height * sy };
          if (cell.char !== ' ' && !drawGlyph(cell.char, box, (px, py) => canvas.set(px, py), bold)) {
            canvas.box(x + 1, top + 2, cell.w - 2, box.h - 4, bold);
          }
          x += cell.w;
        }
      });
      height += rowHeight;
    } else if (event.kind === 'qr') {
      const bytes = new TextEncoder().encode(event.data);
      const code = QRCode.create([{ data: bytes, mode: 'byte' }], { errorCorrectionLevel: event.errorLevel });
      const size = code.modules.size;
      const dots = size * event.moduleSize;
      const x0 = place(dots, event.align);
      const margin = 4 * event.moduleSize;
      ops.push((canvas) => {
        for (let r = 0; r < size; r++) {
          for (let c = 0; c < size; c++) {
            if (code.modules.get(r, c))
              canvas.fill(
                x0 + c * event.moduleSize,
                top + margin + r * event.moduleSize,
                event.moduleSize,
                event.moduleSize,
              );
          }
        }
      });
      height += dots + 2 * margin;
    } else if (event.kind === 'barcode') {
      const dots = Math.min(width, (event.data.length + 3) * 11 * event.moduleWidth);
      const x0 = place(dots, event.align);
      ops.push((canvas) => canvas.box(x0, top, dots, event.height, false));
      height += event.height + (event.hri ? LINE_DOTS : 0);
    } else if (event.kind === 'image') {
      const { image } = event;
      const x0 = place(image.width, event.align);
      const rowBytes = Math.ceil(image.width / 8);
      ops.push((canvas) => {
        for (let y = 0; y < image.height; y++) {
          for (let x = 0; x < image.width; x++) {
            if ((image.bits[y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1) canvas.fill(x0 + x, top + y, 1, 1);
          }
        }
      });
      height += image.height;
    } else if (event.kind === 'feed') {
      height += event.lines * LINE_DOTS;
    } else if (event.kind === 'cut') {
      height += event.feed * LINE_DOTS;
      const at = height;
      ops.push((canvas) => {
        for (let x = 0; x < width; x += 8) canvas.fill(x, at, 4, 1);
      });
      height += 8;
    }
  }
  const canvas = new Canvas(width, height + 8);
  for (const op of ops) op(canvas, 0);
  return canvas.png();
}

class Canvas {
  private readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height).fill(255);
  }

  set(x: number, y: number): void {
    if (x >= 0 && x < this.width && y >= 0 && y < this.height) this.pixels[y * this.width + x] = 0;
  }

  fill(x: number, y: number, w: number, h: number): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.pixels[yy * this.width + xx] = 0;
    }
  }

  box(x: number, y: number, w: number, h: number, filled: boolean): void {
    if (filled) return this.fill(x, y, w, h);
    this.fill(x, y, w, 1);
    this.fill(x, y + h - 1, w, 1);
    this.fill(x, y, 1, h);
    this.fill(x + w - 1, y, 1, h);
  }

  png(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.pixels.length; i++) {
      const v = this.pixels[i]!;
      png.data[i * 4] = v;
      png.data[i * 4 + 1] = v;
      png.data[i * 4 + 2] = v;
      png.data[i * 4 + 3] = 255;
    }
    return PNG.sync.write(png);
  }
}
