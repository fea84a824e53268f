// The Electron shell's security decisions, run under plain Node: who gets camera and
// microphone, who may call the core, which file a renderer URL may reach.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  RENDERER_ENTRY_URL,
  RENDERER_ORIGIN,
  checkIpcSender,
  exceedsMessageLimit,
  isAllowedInitiator,
  isAllowedNavigation,
  isPermissionAllowed,
  isRendererUrl,
  mimeTypeFor,
  resolveRendererFile,
  tooLargeResult,
} from '../../../src-main/app/policy.ts';

describe('renderer origin', () => {
  it('is app://renderer, with or without a path', () => {
    expect(RENDERER_ORIGIN).toBe('app://renderer');
    for (const url of ['app://renderer', 'app://renderer/', RENDERER_ENTRY_URL, 'app://renderer/assets/x.js?v=1#top']) {
      expect(isRendererUrl(url), url).toBe(true);
    }
  });

  it('is nothing that merely looks like it', () => {
    for (const url of [
      'http://evil',
      'https://renderer',
      'file:///work/main/dist/renderer/index.html',
      'app://renderer.evil.com/',
      'app://evil/renderer',
      'app://renderer:8080/',
      'app://renderer@evil/',
      'app://user:pw@renderer/',
      'app://other/',
      'null',
      'about:blank',
      'data:text/html,hi',
      '',
      'not a url',
    ]) {
      expect(isRendererUrl(url), url).toBe(false);
    }
    expect(isRendererUrl(undefined)).toBe(false);
    expect(isRendererUrl(null)).toBe(false);
  });

  it('bounds navigation', () => {
    const top = (url: string) => isAllowedNavigation({ url, isMainFrame: true });
    expect(top('app://renderer/index.html#/review')).toBe(true);
    expect(top('https://example.com/')).toBe(false);
    expect(top('file:///etc/passwd')).toBe(false);
  });

  it('lets a subframe show a blob: URL of our origin (the PDF preview), nothing more', () => {
    const sub = (url: string) => isAllowedNavigation({ url, isMainFrame: false });
    const top = (url: string) => isAllowedNavigation({ url, isMainFrame: true });
    const ours = 'blob:app://renderer/6f1c2d3e-0a4b-4c5d-8e9f-0123456789ab';
    expect(sub(ours)).toBe(true);
    expect(sub(`${ours}#page=2`)).toBe(true);
    expect(sub('app://renderer/index.html')).toBe(true);
    // The window itself never becomes a blob: document.
    expect(top(ours)).toBe(false);
    for (const url of [
      'blob:https://evil.example/6f1c2d3e',
      'blob:null/6f1c2d3e',
      'blob:app://renderer.evil/6f1c2d3e',
      'blob:app://renderer@evil/6f1c2d3e',
      'blob:app://renderer:8080/6f1c2d3e',
      'blob:app://other/6f1c2d3e',
      'blob:blob:app://renderer/6f1c2d3e',
      'blob:',
      'data:application/pdf;base64,JVBERi0=',
      'data:text/html,<script>1</script>',
      'javascript:alert(1)',
      'about:blank',
      'https://example.com/a.pdf',
      'file:///tmp/a.pdf',
    ]) {
      expect(sub(url), url).toBe(false);
    }
  });
});

describe('permissions', () => {
  const ours = { origins: ['app://renderer'], isMainFrame: true };

  it('grants camera and microphone to our main frame', () => {
    expect(isPermissionAllowed({ ...ours, permission: 'media', mediaTypes: ['video'] })).toBe(true);
    expect(isPermissionAllowed({ ...ours, permission: 'media', mediaTypes: ['video', 'audio'] })).toBe(true);
    expect(isPermissionAllowed({ ...ours, permission: 'media', mediaType: 'audio' })).toBe(true);
    expect(
      isPermissionAllowed({ permission: 'media', origins: ['app://renderer/', RENDERER_ENTRY_URL], isMainFrame: true }),
    ).toBe(true);
  });

  it('denies media to any other origin, and to subframes', () => {
    for (const origin of ['http://evil', 'https://evil.example', 'file:///', 'null', 'app://evil']) {
      expect(
        isPermissionAllowed({ permission: 'media', origins: [origin], isMainFrame: true, mediaTypes: ['video'] }),
        origin,
      ).toBe(false);
    }
    expect(
      isPermissionAllowed({ permission: 'media', origins: ['app://renderer', 'http://evil'], isMainFrame: true }),
    ).toBe(false);
    expect(isPermissionAllowed({ permission: 'media', origins: [], isMainFrame: true })).toBe(false);
    expect(isPermissionAllowed({ permission: 'media', origins: [undefined, ''], isMainFrame: true })).toBe(false);
    expect(isPermissionAllowed({ ...ours, permission: 'media', isMainFrame: false, mediaTypes: ['video'] })).toBe(
      false,
    );
  });

  it('denies media kinds other than camera and microphone', () => {
    expect(isPermissionAllowed({ ...ours, permission: 'media', mediaTypes: [] })).toBe(false);
    expect(isPermissionAllowed({ ...ours, permission: 'media', mediaTypes: ['video', 'screen'] })).toBe(false);
    expect(isPermissionAllowed({ ...ours, permission: 'media', mediaType: 'unknown' })).toBe(false);
  });

  it('denies every other permission, even to our own origin', () => {
    for (const permission of [
      'display-capture',
      'geolocation',
      'notifications',
      'clipboard-read',
      'fullscreen',
      'openExternal',
      'hid',
      'serial',
      'usb',
      'midi',
      'fileSystem',
      'mediaKeySystem',
      'unknown',
    ]) {
      expect(isPermissionAllowed({ ...ours, permission }), permission).toBe(false);
    }
  });
});

describe('IPC senders', () => {
  const mainFrame = { url: 'app://renderer/index.html', origin: 'app://renderer', isMainFrame: true };

  it('accepts our window’s main frame showing our origin', () => {
    expect(checkIpcSender({ fromOurWindow: true, frame: mainFrame })).toEqual({ ok: true });
  });

  it('rejects other origins, file:// and subframes', () => {
    const cases = [
      { url: 'http://evil/', origin: 'http://evil', isMainFrame: true },
      { url: 'file:///work/main/dist/renderer/index.html', origin: 'file://', isMainFrame: true },
      { url: 'file:///tmp/x.html', origin: 'null', isMainFrame: true },
      { url: 'app://renderer/index.html', origin: 'http://evil', isMainFrame: true },
      { url: 'app://renderer/frame.html', origin: 'app://renderer', isMainFrame: false },
      { url: 'about:blank', origin: 'app://renderer', isMainFrame: true },
    ];
    for (const frame of cases) {
      const verdict = checkIpcSender({ fromOurWindow: true, frame });
      expect(verdict.ok, JSON.stringify(frame)).toBe(false);
    }
    expect(checkIpcSender({ fromOurWindow: true, frame: cases[4]! })).toEqual({
      ok: false,
      reason: 'sender is a subframe',
    });
  });

  it('rejects a missing frame and senders that are not our windows', () => {
    expect(checkIpcSender({ fromOurWindow: true, frame: null })).toEqual({ ok: false, reason: 'sender frame is gone' });
    expect(checkIpcSender({ fromOurWindow: false, frame: mainFrame })).toEqual({
      ok: false,
      reason: 'sender is not a window of this app',
    });
  });

  it('names only scheme and host of a refused origin, never its path', () => {
    const verdict = checkIpcSender({
      fromOurWindow: true,
      frame: {
        url: 'https://evil.example/p?id=110101199003070011',
        origin: 'https://evil.example/p?id=110101199003070011',
        isMainFrame: true,
      },
    });
    expect(verdict).toEqual({ ok: false, reason: 'sender origin https://evil.example is not app://renderer' });
  });
});

describe('renderer files', () => {
  const root = path.resolve('/srv/tongban/dist/renderer');

  it('serves index.html for the root and for client-side routes', () => {
    for (const url of ['app://renderer', 'app://renderer/', 'app://renderer/review/42', 'app://renderer/index.html']) {
      expect(resolveRendererFile(root, url), url).toEqual({
        ok: true,
        filePath: path.join(root, 'index.html'),
        mimeType: 'text/html; charset=utf-8',
      });
    }
  });

  it('maps assets inside the root with their MIME type', () => {
    expect(resolveRendererFile(root, 'app://renderer/assets/index-abc123.js?x=1#y')).toEqual({
      ok: true,
      filePath: path.join(root, 'assets', 'index-abc123.js'),
      mimeType: 'text/javascript; charset=utf-8',
    });
    const spaced = resolveRendererFile(root, 'app://renderer/fonts/Noto%20Sans%20SC.woff2');
    expect(spaced).toMatchObject({
      ok: true,
      filePath: path.join(root, 'fonts', 'Noto Sans SC.woff2'),
      mimeType: 'font/woff2',
    });
  });

  it('never leaves the root, however the path is spelled', () => {
    const secret = path.resolve(root, '..', 'secret.txt');
    // Dot segments, plain or %2e-encoded, are folded by URL parsing at the root.
    for (const url of [
      'app://renderer/../secret.txt',
      'app://renderer/%2e%2e/%2E%2E/secret.txt',
      'app://renderer//secret.txt',
    ]) {
      expect(resolveRendererFile(root, url), url).toMatchObject({ ok: true, filePath: path.join(root, 'secret.txt') });
    }
    // Separators, drive letters and NUL hidden inside one segment are refused outright.
    for (const url of [
      'app://renderer/assets/..%2f..%2fsecret.txt',
      'app://renderer/..%2F..%2Fsecret.txt',
      'app://renderer/..%5c..%5csecret.txt',
      'app://renderer/assets\\..\\..\\secret.txt',
      'app://renderer/%2F..%2Fsecret.txt',
      'app://renderer/C:%5Csecret.txt',
      'app://renderer/c%3A/secret.txt',
      'app://renderer/index.html%00.png',
      'app://renderer/%E0%A4%A.js',
    ]) {
      const result = resolveRendererFile(root, url);
      expect(result, url).toMatchObject({ ok: false, status: 400 });
      expect(JSON.stringify(result)).not.toContain(secret);
    }
  });

  it('refuses absolute paths and other origins', () => {
    expect(resolveRendererFile(root, '/etc/passwd')).toMatchObject({ ok: false, status: 400 });
    expect(resolveRendererFile(root, 'file:///etc/passwd')).toMatchObject({ ok: false, status: 403 });
    expect(resolveRendererFile(root, 'app://other/index.html')).toMatchObject({ ok: false, status: 403 });
  });

  it('knows the MIME types the renderer ships', () => {
    expect(mimeTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(mimeTypeFor('a.MJS')).toBe('text/javascript; charset=utf-8');
    expect(mimeTypeFor('a.svg')).toBe('image/svg+xml');
    expect(mimeTypeFor('a.png')).toBe('image/png');
    expect(mimeTypeFor('a.wasm')).toBe('application/wasm');
    expect(mimeTypeFor('a.json')).toBe('application/json; charset=utf-8');
    expect(mimeTypeFor('a.unknown')).toBe('application/octet-stream');
  });

  it('serves requests the browser starts and those of our own pages only', () => {
    expect(isAllowedInitiator(undefined)).toBe(true);
    expect(isAllowedInitiator('app://renderer')).toBe(true);
    expect(isAllowedInitiator('null')).toBe(false);
    expect(isAllowedInitiator(null)).toBe(false);
    expect(isAllowedInitiator('https://evil.example')).toBe(false);
  });
});

describe('content security policy', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('allows only our own scripts, no eval and no remote hosts', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|wss?:|\*/);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives.get('media-src')).toEqual(["'self'", 'blob:', 'mediastream:']);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('message size', () => {
  it('lets ordinary calls through and stops oversized binary', () => {
    expect(exceedsMessageLimit({ type: 'call', id: 1, method: 'app.info', input: {} })).toBe(false);
    const scan = new Uint8Array(1024);
    expect(exceedsMessageLimit({ type: 'call', id: 2, method: 'x', input: { scan } }, 2048)).toBe(false);
    expect(
      exceedsMessageLimit({ type: 'call', id: 2, method: 'x', input: { a: scan, b: new Uint8Array(1024) } }, 2048),
    ).toBe(true);
    expect(exceedsMessageLimit({ text: 'é'.repeat(1100) }, 2048)).toBe(true);
  });

  it('survives cycles, which structured clone can carry', () => {
    const cyclic: Record<string, unknown> = { type: 'call', id: 3 };
    cyclic.self = cyclic;
    expect(exceedsMessageLimit(cyclic)).toBe(false);
  });

  it('answers an oversized call under its id with request.tooLarge', () => {
    expect(tooLargeResult({ type: 'call', id: 7 }, 10)).toEqual({
      type: 'result',
      id: 7,
      ok: false,
      error: { code: 'request.tooLarge', detail: 'message exceeds 10 bytes' },
    });
    expect(tooLargeResult('junk')).toMatchObject({ id: 0, ok: false });
  });
});
