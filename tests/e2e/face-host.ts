// The renderer's face client and worker on a page of their own (face-page/), built by Vite
// with the app's face assets (tools/vite-face-assets.ts) and served from 127.0.0.1 with the
// hall's own content policies — the page's (as the browser host sends it) and the face
// worker's — so the worker runs as in the app, before the clerk's flow embeds it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import sirv from 'sirv';
import { build } from 'vite';
import { FACE_WORKER_CONTENT_SECURITY_POLICY, isFaceWorkerPath } from '../../src-main/common/face-worker-policy.ts';
import { contentSecurityPolicy } from '../../src-main/host/server.ts';
import { faceAssets } from '../../tools/vite-face-assets.ts';
import type { FaceThresholds } from '../../src-main/common/face.ts';

/** What the page offers on `window.faceBench`. */
export interface FacePageApi {
  load(): Promise<number>;
  reference(base64: string, mediaType?: string): Promise<{ ok: true } | { problem: string; reason: string }>;
  match(
    png: string,
    thresholds?: FaceThresholds,
  ): Promise<{
    outcome: string | null;
    problem: string | null;
    similarity: number | null;
    faces: number;
    ms: number;
    roundTripMs: number;
  }>;
  forget(): Promise<void>;
}
export type FacePageWindow = Window & { faceBench: FacePageApi };

/** Builds the page into `outDir` and serves it; `origin` is where it lies (`/index.html`). */
export async function serveFacePage(outDir: string): Promise<{ origin: string; close: () => Promise<void> }> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: join(import.meta.dirname, 'face-page'),
    base: './',
    plugins: [faceAssets()],
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'chrome130' },
  });
  const serve = sirv(outDir, { dev: false, etag: true });
  let port = 0;
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://placeholder').pathname;
    res.setHeader(
      'content-security-policy',
      isFaceWorkerPath(pathname) ? FACE_WORKER_CONTENT_SECURITY_POLICY : contentSecurityPolicy(port),
    );
    serve(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
