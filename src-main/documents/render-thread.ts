// The core's side of the render worker. Rendering a notice needs pdf-lib, fontkit and
// about 29 MiB of font bytes, parsed; held in the core they stayed resident for the
// life of the process (the sending window's 1 GiB upload peaked at 206 MiB, 60 MiB of it
// the notice stack). Here they live in a worker thread that runs only around a seal:
// started by `warmUp` (the clerk asked for review: a seal may follow) or by the first
// `render`, ended by `release` once a seal's documents are done, or after `idleMs`
// without work. The core imports nothing of the PDF side but the model's types.
//
// Failures are AppErrors (`documents.renderFailed`) with the worker's reason as detail:
// an exception while rendering, a worker that died or exited mid-render, or one that
// did not answer within `timeoutMs` (plus `bindMsPerPage` a page when binding; it is ended). A dead worker takes only its own
// requests with it; the next render starts a new one.
import { Worker } from 'node:worker_threads';
import { AppError } from '../common/errors.ts';
import type { DocumentInput } from './model.ts';
import {
  PageUnreadable,
  type BindRequest,
  type RenderedDocument,
  type RenderReply,
  type RenderRequest,
} from './render-protocol.ts';

export type { RenderedDocument } from './render-protocol.ts';

export interface RenderThreadOptions {
  /** How long a worker with nothing to do is kept; default 30 s. */
  idleMs?: number;
  /** A render not answered by then fails and its worker is ended; default 60 s. */
  timeoutMs?: number;
  /**
   * Binding has this much more per page; default 3 s. A hundred black-and-white PNG pages
   * took 57 s on a loaded 2-core machine (pdf-lib re-encodes PNG in JavaScript): a long
   * material is work, not a hung worker.
   */
  bindMsPerPage?: number;
  /** Test seam: called with the worker right after a request was posted to it. */
  onPosted?: (worker: Worker) => void;
}

interface Pending {
  resolve(document: RenderedDocument): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Set once the thread failed or was ended (it takes no more requests): resolves when the worker is gone. */
  ended?: Promise<void>;
}

const failed = (detail: string) => new AppError('documents.renderFailed', detail);

/**
 * The worker's entry. Built (dist/…/render-thread.js) it is render-worker.js beside
 * this file. From the TypeScript sources (vitest, tsx) it is render-worker.ts, which
 * plain Node cannot load: a one-line bootstrap registers tsx's loader in the worker first.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./render-worker.js', here));
  const entry = new URL('./render-worker.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true });
}

export class RenderThread {
  private thread: Thread | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private nextId = 1;
  private readonly idleMs: number;
  private readonly timeoutMs: number;
  private readonly bindMsPerPage: number;

  constructor(private readonly options: RenderThreadOptions = {}) {
    this.idleMs = options.idleMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.bindMsPerPage = options.bindMsPerPage ?? 3_000;
  }

  /** Whether a worker is running (tests and the bench look). */
  get running(): boolean {
    return this.thread !== undefined;
  }

  /** Starts the worker ahead of a render, if none runs; it loads the fonts and waits `idleMs`. */
  warmUp(): void {
    const thread = this.current();
    if (thread.pending.size === 0) this.idle(thread);
  }

  render(model: DocumentInput): Promise<RenderedDocument> {
    return this.request({ model });
  }

  /** Binds camera pages into one PDF (bind-pages.ts); the pages' bytes are copied to the worker. */
  async bind(bind: BindRequest): Promise<Uint8Array> {
    return (await this.request({ bind })).bytes;
  }

  private request(work: { model: DocumentInput } | { bind: BindRequest }): Promise<RenderedDocument> {
    const thread = this.current();
    clearTimeout(this.idleTimer);
    thread.worker.ref();
    const id = this.nextId++;
    const timeoutMs = this.timeoutMs + ('bind' in work ? work.bind.pages.length * this.bindMsPerPage : 0);
    return new Promise<RenderedDocument>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(thread, `the render worker did not answer within ${timeoutMs} ms`);
      }, timeoutMs);
      thread.pending.set(id, { resolve, reject, timer });
      const request: RenderRequest = { id, ...work };
      try {
        thread.worker.postMessage(request);
      } catch (error) {
        this.fail(thread, `could not send the work to the render worker: ${String(error)}`);
        return;
      }
      this.options.onPosted?.(thread.worker);
    });
  }

  /**
   * Ends the worker now unless a render is under way (a seal's documents are done), and
   * resolves once it is gone: its memory is back before the packet starts to travel.
   */
  async release(): Promise<void> {
    const thread = this.thread;
    if (thread && thread.pending.size === 0) await this.end(thread);
  }

  /** Ends the worker, failing what it still had (the core is closing). */
  async close(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    this.fail(thread, 'the core closed while a document was being rendered');
    await thread.ended;
  }

  private current(): Thread {
    if (this.thread) return this.thread;
    const worker = startWorker();
    const thread: Thread = { worker, pending: new Map() };
    worker.on('message', (reply: RenderReply) => this.answer(thread, reply));
    worker.on('error', (error) => this.fail(thread, `the render worker failed: ${error.name}: ${error.message}`));
    worker.on('messageerror', (error) =>
      this.fail(thread, `a reply of the render worker could not be read: ${error.message}`),
    );
    worker.on('exit', (code) => this.fail(thread, `the render worker exited (code ${code})`));
    this.thread = thread;
    return thread;
  }

  private answer(thread: Thread, reply: RenderReply): void {
    const pending = thread.pending.get(reply.id);
    if (!pending) return;
    thread.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (reply.ok) pending.resolve({ bytes: reply.bytes, unprintable: reply.unprintable });
    else if (reply.page !== undefined) pending.reject(new PageUnreadable(reply.page, reply.error));
    else pending.reject(failed(`rendering failed in the worker: ${reply.error}`));
    if (thread.pending.size === 0) this.idle(thread);
  }

  /** Nothing to do: the worker no longer keeps the process alive, and ends after `idleMs`. */
  private idle(thread: Thread): void {
    thread.worker.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (thread.pending.size === 0) void this.end(thread);
    }, this.idleMs);
    this.idleTimer.unref();
  }

  /** Fails every request of the thread and ends its worker; the next render starts another. */
  private fail(thread: Thread, detail: string): void {
    const pending = [...thread.pending.values()];
    thread.pending.clear();
    for (const p of pending) {
      clearTimeout(p.timer);
      p.reject(failed(detail));
    }
    void this.end(thread);
  }

  private end(thread: Thread): Promise<void> {
    if (this.thread === thread) {
      this.thread = undefined;
      clearTimeout(this.idleTimer);
    }
    thread.ended ??= thread.worker.terminate().then(() => undefined);
    return thread.ended;
  }
}
