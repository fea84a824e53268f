// The capture screen's handle on the detection worker: one promise per request, answers
// matched by id. A worker that cannot start (no Worker in this environment, the script
// refused) or dies answers every open and later request with `opencvUnavailable`, so the
// screen goes on without auto-crop instead of waiting forever.
import type { Detection } from '../../../src-main/devices/doccam/detect.ts';
import type { Quad, RgbaImage } from '../../../src-main/devices/doccam/image.ts';
import type { ColourMode, Rotation } from '../../../src-main/devices/doccam/rectify.ts';
import type { Size } from './geometry.ts';
import type {
  DoccamFailure,
  DoccamReply,
  DoccamRequest,
  DoccamResult,
  Preview,
  RectifiedPage,
  StillSource,
  StillTaken,
} from './protocol.ts';

export class DoccamError extends Error {
  constructor(
    readonly failure: DoccamFailure,
    detail: string,
  ) {
    super(detail);
  }
}

/** A request without its id (distributed over the union, so each kind keeps its fields). */
type Body = DoccamRequest extends infer R ? (R extends DoccamRequest ? Omit<R, 'id'> : never) : never;

export class DoccamWorker {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: DoccamResult) => void; reject: (e: Error) => void }>();
  private dead: string | undefined;
  /** Where the barcode reader's wasm comes from (giveCodeReader). */
  private codeReaderWasm: (() => Promise<ArrayBuffer>) | undefined;
  /** Settles once the wasm was handed over (or could not be): rectify waits for it. */
  private codeReader: Promise<void> | undefined;

  constructor(create: () => Worker = defaultWorker) {
    try {
      this.worker = create();
      this.worker.onmessage = (event: MessageEvent<DoccamReply>) => this.answer(event.data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.fail(event.message || 'worker error');
      };
    } catch (error) {
      this.dead = error instanceof Error ? error.message : String(error);
    }
  }

  async detect(frame: RgbaImage, full: Size): Promise<Detection | null> {
    const result = await this.send({ kind: 'detect', frame, full }, [frame.data.buffer as ArrayBuffer]);
    void this.handOverCodeReader();
    return (result as Extract<DoccamResult, { kind: 'detect' }>).detection;
  }

  /** The page of the last live frame the worker looked at, straightened; null when it held no page. */
  async preview(): Promise<Preview | null> {
    const result = await this.send({ kind: 'preview' }, []);
    return (result as Extract<DoccamResult, { kind: 'preview' }>).preview;
  }

  /**
   * Hands the still over (a frame or bitmap moves to the worker, which reads its pixels;
   * a photo is decoded there) and answers with a copy of it scaled to `viewSize` and where
   * the page lies in it.
   */
  async still(still: StillSource, viewSize: number): Promise<StillTaken> {
    const result = await this.send({ kind: 'still', still, viewSize }, still instanceof Blob ? [] : [still]);
    return result as Extract<DoccamResult, { kind: 'still' }>;
  }

  async rectify(corners: Quad | null, mode: ColourMode, rotation: Rotation): Promise<RectifiedPage> {
    await this.handOverCodeReader();
    const result = await this.send({ kind: 'rectify', corners, mode, rotation }, []);
    return (result as Extract<DoccamResult, { kind: 'rectify' }>).page;
  }

  /**
   * Where the worker's barcode reader comes from: the worker has no network, so the page
   * fetches the wasm from the app's own origin and hands the bytes over — once the worker
   * has answered a first live frame (opencv.js has started: on a 2-core hall PC the two
   * would otherwise compete), or before the first page at the latest. Pages straightened
   * after that carry their codes; a reader that cannot be fetched or started leaves them
   * out (`codes: null`), quietly.
   */
  giveCodeReader(wasm: () => Promise<ArrayBuffer>): void {
    this.codeReaderWasm = wasm;
  }

  private handOverCodeReader(): Promise<void> {
    const wasm = this.codeReaderWasm;
    if (!wasm) return Promise.resolve();
    this.codeReader ??= wasm()
      .then((bytes) => this.send({ kind: 'codeReader', wasm: bytes }, [bytes]))
      .then(
        () => undefined,
        () => undefined, // said by the page: its codes are null
      );
    return this.codeReader;
  }

  /** True once the worker cannot answer any more (it failed to start, died, or was terminated). */
  isDead(): boolean {
    return this.dead !== undefined;
  }

  release(): void {
    this.send({ kind: 'release' }, []).catch(() => undefined);
  }

  terminate(): void {
    this.worker?.terminate();
    this.fail('terminated');
  }

  private send(body: Body, transfer: Transferable[]): Promise<DoccamResult> {
    if (this.dead !== undefined || !this.worker) {
      return Promise.reject(new DoccamError('opencvUnavailable', this.dead ?? 'no worker'));
    }
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ ...body, id } as DoccamRequest, transfer);
    });
  }

  private answer(reply: DoccamReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new DoccamError(reply.failure, reply.detail));
  }

  private fail(detail: string): void {
    this.dead ??= detail;
    for (const waiting of this.pending.values()) waiting.reject(new DoccamError('opencvUnavailable', detail));
    this.pending.clear();
  }
}

let shared: DoccamWorker | undefined;

/**
 * The one detection worker of this window, started on first use and kept: opencv.js takes
 * seconds to start on a hall PC, and a clerk opens capture many times a session. It gets the
 * barcode reader as it starts. The still it holds is released when a capture ends (`release`); a worker that died is replaced.
 */
export function sharedDoccamWorker(): DoccamWorker {
  if (!shared || shared.isDead()) {
    shared = new DoccamWorker();
    // Imported when a worker starts, not with the capture screen: only a running worker needs the wasm.
    if (!shared.isDead())
      shared.giveCodeReader(() => import('./code-reader-wasm.ts').then((m) => m.fetchCodeReaderWasm()));
  }
  return shared;
}

function defaultWorker(): Worker {
  if (typeof Worker === 'undefined') throw new Error('no Web Worker here');
  return new Worker(new URL('./doccam-worker.ts', import.meta.url), { type: 'module', name: 'doccam' });
}
