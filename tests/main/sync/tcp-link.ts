// The network between a window process and a department process, as a TCP proxy on
// 127.0.0.1: it counts the bytes each way, cuts every connection on cue, and can hold
// a request (or its answer) in flight so a test kills the app at exactly that moment.
// It reads only the first line of each request to know what is passing; it never answers.
import { createServer, connect, type Socket } from 'node:net';

type Direction = 'request' | 'answer';

export interface TcpLink {
  url: string;
  /** Bytes from the window towards the department. */
  readonly upstreamBytes: number;
  readonly cuts: number;
  /** Destroys every connection at once (a cable pulled, a router rebooted). */
  cutAll(): void;
  /** Cuts every connection once `upstreamBytes` reaches `bytes` (once). */
  cutAt(bytes: number): void;
  /**
   * Holds the first request whose line matches (`request`), or the answer to it (`answer`),
   * and everything after it on that connection. Resolves once something is held; the held
   * bytes go nowhere until `cutAll()`.
   */
  hold(direction: Direction, requestLine: RegExp): Promise<void>;
  /** Holds the window's bytes once `bytes` have passed upstream (mid-request, mid-chunk). */
  holdAfter(bytes: number): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  window: Socket;
  department: Socket;
  lastRequestLine: string;
  held: Direction | undefined;
}

const REQUEST_START = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \S+ HTTP\/1\.1/;

/**
 * Writes with backpressure, as a network does: the sender waits while the receiver is slow,
 * so bytes counted as passed have reached the receiver's socket, not a buffer in this proxy.
 */
function forward(to: Socket, from: Socket, data: Buffer): void {
  if (!to.write(data)) {
    from.pause();
    to.once('drain', () => from.resume());
  }
}

/** `target` may be a function, read at each connection: the department can start after its link. */
export async function startTcpLink(target: string | (() => string)): Promise<TcpLink> {
  const upstreamOf = () => new URL(typeof target === 'function' ? target() : target);
  const pairs = new Set<Pair>();
  let upstreamBytes = 0;
  let cuts = 0;
  const holds: Array<{ direction: Direction; test: (pair: Pair) => boolean; done: () => void }> = [];
  let byteHold: { at: number; done: () => void } | undefined;
  let cutMark: number | undefined;

  const takeHold = (pair: Pair, direction: Direction): boolean => {
    const index = holds.findIndex((h) => h.direction === direction && h.test(pair));
    if (index < 0) return false;
    const [hold] = holds.splice(index, 1);
    pair.held = direction;
    hold!.done();
    return true;
  };

  const server = createServer((window) => {
    const upstream = upstreamOf();
    const department = connect(Number(upstream.port), upstream.hostname);
    const pair: Pair = { window, department, lastRequestLine: '', held: undefined };
    pairs.add(pair);
    window.on('data', (data: Buffer) => {
      if (pair.held) return;
      const line = data.subarray(0, 200).toString('latin1').split('\r\n', 1)[0]!;
      if (REQUEST_START.test(line)) {
        pair.lastRequestLine = line;
        if (takeHold(pair, 'request')) return;
      }
      if (byteHold && upstreamBytes + data.length >= byteHold.at) {
        // Pass exactly up to the mark, keep the rest: the department has a partial request.
        const pass = byteHold.at - upstreamBytes;
        upstreamBytes += pass;
        forward(department, window, data.subarray(0, pass));
        pair.held = 'request';
        const { done } = byteHold;
        byteHold = undefined;
        done();
        return;
      }
      upstreamBytes += data.length;
      forward(department, window, data);
      if (cutMark !== undefined && upstreamBytes >= cutMark) {
        cutMark = undefined;
        cutAll();
      }
    });
    department.on('data', (data: Buffer) => {
      if (pair.held) return;
      if (takeHold(pair, 'answer')) return;
      forward(window, department, data);
    });
    const end = () => {
      window.destroy();
      department.destroy();
      pairs.delete(pair);
    };
    for (const socket of [window, department]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  const cutAll = () => {
    cuts += 1;
    for (const pair of pairs) {
      pair.window.destroy();
      pair.department.destroy();
    }
    pairs.clear();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    get upstreamBytes() {
      return upstreamBytes;
    },
    get cuts() {
      return cuts;
    },
    cutAll,
    cutAt: (bytes) => (cutMark = bytes),
    hold: (direction, requestLine) =>
      new Promise<void>((done) =>
        holds.push({ direction, test: (pair) => requestLine.test(pair.lastRequestLine), done }),
      ),
    holdAfter: (bytes) => new Promise<void>((done) => (byteHold = { at: upstreamBytes + bytes, done })),
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
