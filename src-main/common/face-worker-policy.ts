// The face worker's own policy (src-renderer/devices/face/face-worker.ts). Human's tfjs
// runs as WebAssembly (needs 'wasm-unsafe-eval'; nothing in it builds code from strings, so
// no 'unsafe-eval'), and the worker fetches Human's models and the wasm binaries itself —
// from the app's own origin only (`connect-src 'self'`: the hall's loopback host or
// Electron's app: files, never the network). A dedicated worker runs under the policy sent
// with its own script, so both shells send this one with that file only; the page keeps its own.

/** The built worker's path (Vite names it after its entry: `assets/face-worker-<hash>.js`). */
export function isFaceWorkerPath(pathname: string): boolean {
  return /^\/assets\/face-worker-[\w-]+\.js$/.test(pathname);
}

export const FACE_WORKER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
  "base-uri 'none'",
].join('; ');
