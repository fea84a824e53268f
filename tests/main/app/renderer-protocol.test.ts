// The app:// handler against real files in a temp directory, as Electron's
// protocol.handle would call it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/app/policy.ts';
import {
  DOCCAM_WORKER_CONTENT_SECURITY_POLICY,
  isDoccamWorkerPath,
} from '../../../src-main/common/doccam-worker-policy.ts';
import { FACE_WORKER_CONTENT_SECURITY_POLICY, isFaceWorkerPath } from '../../../src-main/common/face-worker-policy.ts';
import { createRendererHandler, type RendererRequest } from '../../../src-main/app/renderer-protocol.ts';
import { tempDir } from '../helpers.ts';

let root: string;
let outside: string;
let handle: (request: RendererRequest) => Promise<Response>;

beforeEach(() => {
  const base = tempDir();
  root = path.join(base, 'renderer');
  outside = path.join(base, 'secret.txt');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>通办专窗</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'doccam-worker-AbC_12-x.js'), 'onmessage = () => {}');
  writeFileSync(path.join(root, 'assets', 'face-worker-Xy_9.js'), 'onmessage = () => {}');
  mkdirSync(path.join(root, 'face', 'models'), { recursive: true });
  writeFileSync(path.join(root, 'face', 'models', 'faceres.bin'), new Uint8Array([1, 2, 3]));
  writeFileSync(outside, 'not for the renderer');
  handle = createRendererHandler(root);
});

const get = (url: string, extra: Partial<RendererRequest> = {}): Promise<Response> =>
  handle({ url, method: 'GET', ...extra });

describe('app:// handler', () => {
  it('serves index.html with the CSP and security headers', async () => {
    const response = await get('app://renderer/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('通办专窗');
  });

  it('sends the document camera worker, and only it, the policy that lets opencv.js compile', async () => {
    const worker = await get('app://renderer/assets/doccam-worker-AbC_12-x.js', { initiatorOrigin: 'app://renderer' });
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-security-policy')).toBe(DOCCAM_WORKER_CONTENT_SECURITY_POLICY);
    expect(worker.headers.get('content-security-policy')).toContain("'wasm-unsafe-eval'");
    const script = await get('app://renderer/assets/app.js', { initiatorOrigin: 'app://renderer' });
    expect(script.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(isDoccamWorkerPath('/assets/doccam-worker-AbC_12-x.js')).toBe(true);
    for (const other of [
      '/doccam-worker-x.js',
      '/assets/doccam-worker-x.js.map',
      '/assets/x/doccam-worker-x.js',
      '/assets/opencv-worker-x.js',
    ]) {
      expect(isDoccamWorkerPath(other), other).toBe(false);
    }
  });

  it('sends the face worker a policy of its own: wasm, and fetches from the app only', async () => {
    const worker = await get('app://renderer/assets/face-worker-Xy_9.js', { initiatorOrigin: 'app://renderer' });
    expect(worker.status).toBe(200);
    expect(worker.headers.get('content-security-policy')).toBe(FACE_WORKER_CONTENT_SECURITY_POLICY);
    expect(FACE_WORKER_CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(FACE_WORKER_CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    const model = await get('app://renderer/face/models/faceres.bin', { initiatorOrigin: 'app://renderer' });
    expect(model.status).toBe(200);
    expect(model.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(isFaceWorkerPath('/assets/face-worker-Xy_9.js')).toBe(true);
    for (const other of ['/face-worker-x.js', '/assets/face-worker-x.js.map', '/assets/doccam-worker-x.js']) {
      expect(isFaceWorkerPath(other), other).toBe(false);
    }
  });

  it('serves scripts as JavaScript, and answers HEAD without a body', async () => {
    const response = await get('app://renderer/assets/app.js', { initiatorOrigin: 'app://renderer' });
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
    const head = await handle({ url: 'app://renderer/assets/app.js', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('falls back to index.html for client-side routes, 404 for missing files', async () => {
    expect(await (await get('app://renderer/supervisor/sessions')).text()).toContain('<title>');
    expect((await get('app://renderer/assets/missing.js')).status).toBe(404);
    expect((await get('app://renderer/assets.css')).status).toBe(404);
  });

  it('never hands out a file outside the root', async () => {
    for (const url of [
      'app://renderer/../secret.txt',
      'app://renderer/%2e%2e/secret.txt',
      'app://renderer/assets/..%2f..%2fsecret.txt',
      'app://renderer/..%5csecret.txt',
    ]) {
      const response = await get(url);
      expect(await response.text(), url).not.toContain('not for the renderer');
      expect(response.status, url).not.toBe(200);
    }
  });

  it('refuses other methods and foreign initiators', async () => {
    expect((await handle({ url: 'app://renderer/index.html', method: 'POST' })).status).toBe(405);
    expect((await get('app://renderer/index.html', { initiatorOrigin: 'https://evil.example' })).status).toBe(403);
    expect((await get('app://renderer/index.html', { initiatorOrigin: 'null' })).status).toBe(403);
  });

  it('refuses directories', async () => {
    mkdirSync(path.join(root, 'dir.d'));
    expect((await get('app://renderer/dir.d')).status).toBe(404);
  });
});
