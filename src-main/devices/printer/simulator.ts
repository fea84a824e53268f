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
import type { PtyPair } from '../pty-pair.ts';
import { socketTransport } from '../tcp-transport.ts';
import type { ByteTransport } from '../transport.ts';
import type { PaperWidth } from './escpos.ts';
import { EscPosReader, type ReaderEvent, renderText } from './escpos-reader.ts';
import { renderPng } from './roll.ts';
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
  private readonly eventListeners = new Set<(event: ReaderEvent) => void>();

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

  /** What printed after the last cut but one, up to the last cut: the last whole slip, or undefined before any. */
  lastCut(): { text: string; png: Buffer } | undefined {
    const cuts = this.printed.flatMap((event, i) => (event.kind === 'cut' ? [i] : []));
    const end = cuts.at(-1);
    if (end === undefined) return undefined;
    const slip = this.printed.slice((cuts.at(-2) ?? -1) + 1, end + 1);
    return { text: renderText(slip, this.paper), png: renderPng(slip, this.paper) };
  }

  /** Hears every command as it arrives (the bench times the first byte of a job by it). */
  onEvent(listener: (event: ReaderEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Serves one connection or port: its bytes are read, printed and answered. Answers the detach. */
  attach(transport: ByteTransport): () => void {
    const reader = new EscPosReader();
    const offData = transport.onData((chunk) => {
      this.chunks.push(chunk.slice());
      for (const event of reader.push(chunk)) {
        for (const listener of this.eventListeners) listener(event);
        this.handle(event, transport);
      }
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
    // node-serialport (a native binding) loads only here: the demo's in-process printer never needs it.
    const [{ openPtyPair }, { openSerialTransport }] = await Promise.all([
      import('../pty-pair.ts'),
      import('../serial-transport.ts'),
    ]);
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
