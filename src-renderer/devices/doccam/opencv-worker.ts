// opencv.js for the worker, as a chunk of its own that the worker imports on demand. The
// package's module object is a thenable (see src-main/devices/doccam/opencv.ts): `import()`
// of the package itself would never settle. It is imported statically here, so nothing
// awaits it; this chunk's namespace exports only a function, so `import()` of the chunk
// settles; `then` is removed before the module is handed to anyone.
import cvModule from '@techstark/opencv-js';
import type { OpenCv } from '../../../src-main/devices/doccam/opencv.ts';

/** How long the runtime may take to start before the detector counts as unavailable. */
const READY_TIMEOUT_MS = 30_000;

export function openCvReady(): Promise<OpenCv> {
  const module = cvModule as unknown as Record<string, unknown>;
  return new Promise<OpenCv>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      delete module.then;
      resolve(module as unknown as OpenCv);
    };
    const timer = setTimeout(() => reject(new Error('opencv.js runtime did not start')), READY_TIMEOUT_MS);
    if (typeof module.Mat === 'function') {
      done();
      return;
    }
    const previous = module.onRuntimeInitialized as (() => void) | undefined;
    module.onRuntimeInitialized = () => {
      previous?.();
      done();
    };
  });
}
