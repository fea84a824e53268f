// Serves the built renderer (dist/renderer) for `protocol.handle('app', …)`. Plain
// Fetch API Request/Response, no `electron` import, so tests run it under Node.
import { readFile, stat } from 'node:fs/promises';
import { DOCCAM_WORKER_CONTENT_SECURITY_POLICY, isDoccamWorkerPath } from '../common/doccam-worker-policy.ts';
import { FACE_WORKER_CONTENT_SECURITY_POLICY, isFaceWorkerPath } from '../common/face-worker-policy.ts';
import { CONTENT_SECURITY_POLICY, isAllowedInitiator, resolveRendererFile } from './policy.ts';

/** What the handler reads from a request; Electron adds `initiatorOrigin` to Request. */
export interface RendererRequest {
  url: string;
  method: string;
  /** The origin of the page that issued the request; absent when the browser itself did. */
  initiatorOrigin?: string | null;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Local files: always fresh after an update, nothing worth caching.
  'Cache-Control': 'no-store',
};

export function createRendererHandler(rendererRoot: string): (request: RendererRequest) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(405, 'method not allowed', { Allow: 'GET, HEAD' });
    }
    if (!isAllowedInitiator(request.initiatorOrigin)) return plain(403, 'forbidden');
    const resolved = resolveRendererFile(rendererRoot, request.url);
    if (!resolved.ok) return plain(resolved.status, resolved.reason);
    try {
      const info = await stat(resolved.filePath);
      if (!info.isFile()) return plain(404, 'not found');
      const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': resolved.mimeType };
      const pathname = new URL(request.url).pathname;
      if (isDoccamWorkerPath(pathname)) headers['Content-Security-Policy'] = DOCCAM_WORKER_CONTENT_SECURITY_POLICY;
      if (isFaceWorkerPath(pathname)) headers['Content-Security-Policy'] = FACE_WORKER_CONTENT_SECURITY_POLICY;
      if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
      const body = await readFile(resolved.filePath);
      return new Response(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), { status: 200, headers });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return plain(404, 'not found');
      return plain(500, 'cannot read file');
    }
  };
}

function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra },
  });
}
