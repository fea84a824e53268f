// A slow, distant line for the sync benchmark and tests: a TCP proxy on 127.0.0.1 between the window
// and the department inbox that behaves like a slow, distant line — a bandwidth limit
// per direction shared by every connection (as one access line is), a one-way delay of
// RTT/2 each way, and on cue a cut of every connection mid-stream. It also counts the
// bytes the window sends, which is how re-sent bytes are measured.
import { createServer, connect, type Socket } from 'node:net';

export interface LinkShape {
  /** Bytes per second in each direction; undefined = as fast as loopback goes. */
  bytesPerSecond?: number;
  /** Round-trip time added by the link (half each way). Default 0. */
  rttMs?: number;
}

export interface Link {
  url: string;
  /** Bytes received from the window (towards the inbox) since start, on all connections. */
  readonly upstreamBytes: number;
  readonly cuts: number;
  /** Applies to data arriving from now on, on every connection. */
  shape(shape: LinkShape): void;
  /** Cuts every connection each time `upstreamBytes` reaches one of these marks. */
  cutAt(marks: number[]): void;
  /** Sees every piece of data from the window as it reaches the link. */
  onUpstream: ((data: Buffer) => void) | undefined;
  close(): Promise<void>;
}

/**
 * Data is paced in pieces of this size: small enough that the pacing is smooth, large
 * enough that the timers stay few (256 pieces a second at 4 MiB/s).
 */
const PIECE = 16 * 1024;

/**
 * Token bucket: tokens (bytes) accrue at `rate` up to `burst`; a piece leaves the link
 * once the bucket holds its size. Shared by all connections of one direction, so two
 * uploads split the line instead of each getting all of it. Departure times are
 * computed, not waited for: the delay queue does the waiting.
 */
class TokenBucket {
  private tokens: number;
  private at = 0;

  constructor(
    private readonly bytesPerMs: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** The time (performance.now() ms) a piece of `size` bytes offered at `now` has left the link. */
  depart(size: number, now: number): number {
    let t = Math.max(now, this.at);
    let tokens = Math.min(this.burst, this.tokens + (t - this.at) * this.bytesPerMs);
    if (tokens < size) {
      t += (size - tokens) / this.bytesPerMs;
      tokens = size;
    }
    this.tokens = tokens - size;
    this.at = t;
    return t;
  }
}

interface Shaping {
  up: TokenBucket | undefined;
  down: TokenBucket | undefined;
  oneWayMs: number;
  /** Bytes a direction may hold (queued in the link or unsent to its receiver) before its sender is paused. */
  window: number;
}

function shaping(shape: LinkShape): Shaping {
  const rate = shape.bytesPerSecond;
  const rttMs = shape.rttMs ?? 0;
  return {
    up: rate ? new TokenBucket(rate / 1000, PIECE) : undefined,
    down: rate ? new TokenBucket(rate / 1000, PIECE) : undefined,
    oneWayMs: rttMs / 2,
    // Like a TCP window: twice the bandwidth-delay product keeps the line busy, and a
    // bound keeps a 16 MiB PATCH from vanishing into the proxy's memory at once (the
    // sender then sees the same backpressure a real line gives it).
    window: rate ? Math.max(256 * 1024, Math.ceil((2 * rate * rttMs) / 1000)) : 1024 * 1024,
  };
}

/** One direction of one connection: a FIFO delay queue from `from` to `to`. */
class Pipe {
  private readonly queue: Array<{ data: Buffer; at: number }> = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private ending = false;
  private stopped = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
    private readonly shape: () => Shaping,
    private readonly bucket: () => TokenBucket | undefined,
    onData: (data: Buffer) => boolean,
  ) {
    from.on('data', (data: Buffer) => {
      if (onData(data)) this.accept(data);
    });
    from.on('end', () => this.finish());
    to.on('drain', () => this.flow());
  }

  finish(): void {
    this.ending = true;
    this.flow();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.queue.length = 0;
    this.queued = 0;
  }

  private accept(data: Buffer): void {
    const now = performance.now();
    const { oneWayMs } = this.shape();
    const bucket = this.bucket();
    for (let offset = 0; offset < data.length; offset += PIECE) {
      const piece = data.subarray(offset, offset + PIECE);
      const left = bucket ? bucket.depart(piece.length, now) : now;
      this.queue.push({ data: piece, at: left + oneWayMs });
    }
    this.queued += data.length;
    this.flow();
  }

  /** Hands over what has arrived at the far end, then decides whether the sender may go on. */
  private flow(): void {
    if (this.stopped) return;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now) {
      const { data } = this.queue.shift()!;
      this.queued -= data.length;
      if (!this.to.destroyed) this.to.write(data);
    }
    if (this.queue.length > 0) {
      const at = this.queue[0]!.at;
      if (at < this.timerAt) {
        clearTimeout(this.timer);
        this.timerAt = at;
        this.timer = setTimeout(
          () => {
            this.timerAt = Infinity;
            this.flow();
          },
          Math.max(0, at - now),
        );
      }
    } else if (this.ending && !this.to.destroyed && !this.to.writableEnded) {
      this.to.end();
    }
    const backlog = this.queued + this.to.writableLength;
    if (backlog > this.shape().window) this.from.pause();
    else if (!this.from.destroyed) this.from.resume();
  }
}

/**
 * Starts a link on 127.0.0.1 in front of `target` (an http://127.0.0.1:port URL, or a
 * function read at each connection, so the inbox can start after its link).
 */
export async function startLink(target: string | (() => string), initial: LinkShape = {}): Promise<Link> {
  const upstreamOf = () => new URL(typeof target === 'function' ? target() : target);
  let current = shaping(initial);
  let bytes = 0;
  let marks: number[] = [];
  let cuts = 0;
  const connections = new Set<{ sockets: Socket[]; pipes: Pipe[] }>();

  const cutAll = () => {
    cuts += 1;
    for (const connection of connections) {
      for (const pipe of connection.pipes) pipe.stop();
      for (const socket of connection.sockets) socket.destroy();
    }
    connections.clear();
  };

  const server = createServer({ allowHalfOpen: true }, (client) => {
    const upstream = upstreamOf();
    const inbox = connect({ port: Number(upstream.port), host: upstream.hostname, allowHalfOpen: true });
    const connection = { sockets: [client, inbox], pipes: [] as Pipe[] };
    connections.add(connection);
    const up = new Pipe(
      client,
      inbox,
      () => current,
      () => current.up,
      (data) => {
        bytes += data.length;
        link.onUpstream?.(data);
        if (marks.length > 0 && bytes >= marks[0]!) {
          while (marks.length > 0 && bytes >= marks[0]!) marks.shift();
          cutAll(); // the data that crossed the mark is lost with the line
          return false;
        }
        return true;
      },
    );
    const down = new Pipe(
      inbox,
      client,
      () => current,
      () => current.down,
      () => true,
    );
    connection.pipes.push(up, down);
    // A reset on either side resets the other; an orderly close lets the queue drain first.
    const reset = () => {
      up.stop();
      down.stop();
      client.destroy();
      inbox.destroy();
      connections.delete(connection);
    };
    client.on('error', reset);
    inbox.on('error', reset);
    client.on('close', () => {
      up.finish();
      down.stop();
      if (inbox.destroyed) connections.delete(connection);
    });
    inbox.on('close', () => {
      down.finish();
      up.stop();
      if (client.destroyed) connections.delete(connection);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  const link: Link = {
    url: `http://127.0.0.1:${port}`,
    get upstreamBytes() {
      return bytes;
    },
    get cuts() {
      return cuts;
    },
    shape(shape) {
      current = shaping(shape);
    },
    cutAt(at) {
      marks = [...at].sort((a, b) => a - b);
    },
    onUpstream: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of connections) for (const socket of connection.sockets) socket.destroy();
        connections.clear();
        server.close(() => resolve());
      }),
  };
  return link;
}
