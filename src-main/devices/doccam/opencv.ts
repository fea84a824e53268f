// opencv.js (`@techstark/opencv-js`, OpenCV 4.12 compiled to WebAssembly) loaded once and
// awaited until its runtime is ready. Runs under Node (the CLI, the tests, the bench) and
// in a browser Web Worker (the renderer's capture, later): no Node import here.
//
// Three things the package does that this file undoes or works around:
// - the module object is a thenable whose `then` calls back with the module itself, so a
//   promise resolved with it never settles: each resolution adopts it again, forever, in
//   microtasks that starve the event loop. A module namespace that copies `then` (vitest's
//   module runner does) hangs `import()` itself. Under Node the package is therefore loaded
//   with `require` (reached through `process.getBuiltinModule`, not an import), which hands
//   back the object without awaiting it; `then` is removed once the runtime is ready, and
//   only then is the module handed out;
// - under Node, its emscripten glue adds process listeners: `unhandledRejection` aborts
//   the WebAssembly runtime (every later cv call would fail) and `uncaughtException`
//   rethrows; both are removed, so loading opencv changes nothing in the host process;
// - it is 10 MB of JavaScript with the wasm inlined (≈ 0.3 s to start): it is imported
//   lazily, on the first call, never at the import of this file.
import type cvModule from '@techstark/opencv-js';

/** The opencv.js namespace (`cv`), ready for calls. */
export type OpenCv = typeof cvModule;

/** The slice of Node's `process` this file touches, when there is one (not in a worker). */
interface ListenerHost {
  listeners(event: string): Array<(...args: unknown[]) => void>;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

const NODE_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

let loading: Promise<OpenCv> | undefined;

/** opencv.js, loaded and initialised on the first call; every later call gets the same module. */
export function loadOpenCv(): Promise<OpenCv> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<OpenCv> {
  const host = nodeProcess();
  const before = new Map(NODE_EVENTS.map((event) => [event, new Set(host?.listeners(event) ?? [])]));
  const require = nodeRequire();
  let module: Record<string, unknown>;
  if (require) {
    module = require('@techstark/opencv-js') as Record<string, unknown>;
  } else {
    const imported = (await import('@techstark/opencv-js')) as unknown as { default?: unknown };
    module = (imported.default ?? imported) as Record<string, unknown>;
  }
  if (host) {
    for (const event of NODE_EVENTS) {
      for (const listener of host.listeners(event)) {
        if (!before.get(event)!.has(listener)) host.removeListener(event, listener);
      }
    }
  }
  await new Promise<void>((resolve) => {
    // Ready already when the runtime initialised during the import (the wasm is inlined).
    if (typeof module.Mat === 'function') {
      resolve();
      return;
    }
    const previous = module.onRuntimeInitialized as (() => void) | undefined;
    module.onRuntimeInitialized = () => {
      previous?.();
      resolve();
    };
  });
  delete module.then;
  return module as unknown as OpenCv;
}

/** Node's `require` for this file, when running under Node (20.16+); undefined in a browser or worker. */
function nodeRequire(): ((id: string) => unknown) | undefined {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const module = host?.getBuiltinModule?.('node:module') as
    { createRequire(from: string): (id: string) => unknown } | undefined;
  return module?.createRequire(import.meta.url);
}

function nodeProcess(): ListenerHost | undefined {
  const candidate = (globalThis as { process?: Partial<ListenerHost> }).process;
  return typeof candidate?.listeners === 'function' && typeof candidate.removeListener === 'function'
    ? (candidate as ListenerHost)
    : undefined;
}

/**
 * Runs `body` with a list that frees every Mat (or MatVector) pushed onto it when `body`
 * ends, however it ends: opencv.js objects live on the wasm heap, and one that is not
 * `delete()`d stays there for the life of the process.
 */
export function withMats<T>(body: (keep: <M extends { delete(): void }>(mat: M) => M) => T): T {
  const mats: Array<{ delete(): void }> = [];
  try {
    return body((mat) => {
      mats.push(mat);
      return mat;
    });
  } finally {
    for (const mat of mats.reverse()) mat.delete();
  }
}

/** How many bytes the wasm heap holds now (it grows and never shrinks): the leak tests watch it. */
export function heapBytes(cv: OpenCv): number {
  return (cv as unknown as { HEAP8: Int8Array }).HEAP8.buffer.byteLength;
}
