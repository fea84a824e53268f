// The clerk's screen's handle on the face worker: one promise per request, answers matched
// by id. A worker that cannot start or dies answers every open and later request with
// `modelsUnavailable`, so the flow turns to the clerk's visual check instead of waiting.
import type { FaceComparison, FaceThresholds } from '../../../src-main/common/face.ts';
import type {
  FaceAssetLocations,
  FaceFailure,
  FaceReply,
  FaceRequest,
  FaceResult,
  ReferenceProblem,
} from './protocol.ts';

export class FaceMatcherError extends Error {
  constructor(
    readonly failure: FaceFailure,
    detail: string,
  ) {
    super(detail);
  }
}

/** What `setReference` answers: the card's face is held, or there is none to compare with (the visual path). */
export type ReferenceOutcome = { ok: true } | { problem: 'noCardFace'; reason: ReferenceProblem; detail: string };

/** One frame's comparison and how long the worker took for it (ms). */
export type FrameMatch = FaceComparison & { ms: number };

/**
 * Where the app serves Human's models and the tfjs WebAssembly binaries: copied into the
 * build by vite.config.ts (faceAssets) beside index.html, so the same relative folders work
 * from the browser host and from Electron's app: protocol.
 */
export function faceAssetLocations(base: string = document.baseURI): FaceAssetLocations {
  return {
    modelBasePath: new URL('face/models/', base).href,
    wasmPath: new URL('face/wasm/', base).href,
  };
}

type Body = FaceRequest extends infer R ? (R extends FaceRequest ? Omit<R, 'id'> : never) : never;

export class FaceMatcherClient {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (r: FaceResult) => void; reject: (e: Error) => void }>();
  private dead: string | undefined;

  constructor(create: () => Worker = defaultWorker) {
    try {
      this.worker = create();
      this.worker.onmessage = (event: MessageEvent<FaceReply>) => this.answer(event.data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.fail(event.message || 'worker error');
      };
    } catch (error) {
      this.dead = error instanceof Error ? error.message : String(error);
    }
  }

  /** Starts the backend and loads the models; answers the worker's load time (ms). Later calls answer at once. */
  async load(locations: FaceAssetLocations = faceAssetLocations()): Promise<number> {
    const result = await this.send({ kind: 'load', locations }, []);
    return (result as Extract<FaceResult, { kind: 'load' }>).ms;
  }

  /** The card's chip photo (as CardPhoto carries it: image/bmp bytes) becomes the reference. */
  async setReference(photo: Uint8Array, mediaType = 'image/bmp'): Promise<ReferenceOutcome> {
    const bytes = photo.slice().buffer; // a copy of its own to transfer: the caller keeps its bytes
    const result = (await this.send({ kind: 'reference', photo: bytes, mediaType }, [bytes])) as Extract<
      FaceResult,
      { kind: 'reference' }
    >;
    return result.found ? { ok: true } : { problem: 'noCardFace', reason: result.reason, detail: result.detail };
  }

  /** A live frame against the reference; the bitmap moves to the worker (and is closed there). */
  async matchFrame(frame: ImageBitmap, thresholds: FaceThresholds): Promise<FrameMatch> {
    const result = (await this.send({ kind: 'match', frame, thresholds }, [frame])) as Extract<
      FaceResult,
      { kind: 'match' }
    >;
    return { ...result.comparison, ms: result.ms };
  }

  /** Forgets the card's face (a session's end, the card taken away). */
  async forget(): Promise<void> {
    await this.send({ kind: 'forget' }, []).catch(() => undefined);
  }

  isDead(): boolean {
    return this.dead !== undefined;
  }

  terminate(): void {
    this.worker?.terminate();
    this.fail('terminated');
  }

  private send(body: Body, transfer: Transferable[]): Promise<FaceResult> {
    if (this.dead !== undefined || !this.worker) {
      if (body.kind === 'match') body.frame.close();
      return Promise.reject(new FaceMatcherError('modelsUnavailable', this.dead ?? 'no worker'));
    }
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ ...body, id } as FaceRequest, transfer);
    });
  }

  private answer(reply: FaceReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.result);
    else waiting.reject(new FaceMatcherError(reply.failure, reply.detail));
  }

  private fail(detail: string): void {
    this.dead ??= detail;
    for (const waiting of this.pending.values()) waiting.reject(new FaceMatcherError('modelsUnavailable', detail));
    this.pending.clear();
  }
}

let shared: FaceMatcherClient | undefined;

/**
 * The one face worker of this window, started on first use and kept: the models take a
 * while to load on a hall PC and a clerk matches many applicants a day. A worker that died
 * is replaced.
 */
export function sharedFaceMatcher(): FaceMatcherClient {
  if (!shared || shared.isDead()) shared = new FaceMatcherClient();
  return shared;
}

function defaultWorker(): Worker {
  if (typeof Worker === 'undefined') throw new Error('no Web Worker here');
  return new Worker(new URL('./face-worker.ts', import.meta.url), { type: 'module', name: 'face' });
}
