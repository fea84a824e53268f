// The one script that may compile code at run time: the document camera's detection worker
// (src-renderer/devices/doccam/doccam-worker.ts). opencv.js is WebAssembly (needs
// 'wasm-unsafe-eval') whose embind glue builds its bindings with `new Function` (needs
// 'unsafe-eval'). A dedicated worker runs under the policy sent with its own script, so
// both shells (the browser host, Electron's app: protocol) send this policy with that file
// only: the page itself keeps its strict `script-src 'self'`, and the worker can reach
// nothing (no network, no DOM, no contract) — it only answers the page's messages.

/** The built worker's path (Vite names it after its entry: `assets/doccam-worker-<hash>.js`). */
export function isDoccamWorkerPath(pathname: string): boolean {
  return /^\/assets\/doccam-worker-[\w-]+\.js$/.test(pathname);
}

export const DOCCAM_WORKER_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
  "base-uri 'none'",
].join('; ');
