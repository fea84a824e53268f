// main.ts wired to a stand-in for Electron's API (the real module would try to
// download the binary), booting the real hall core in a temp data directory:
// what the window is allowed, who may call the core, and that quitting closes it.
import type { EventEmitter } from 'node:events';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ResultMessage } from '../../../src-main/api/wire.ts';
import type { DraftView } from '../../../src-main/api/contract/index.ts';
import { MAX_MESSAGE_BYTES } from '../../../src-main/api/wire.ts';
import { pngBytes } from '../../fixtures/files.ts';
import { SOCIAL_CARD, STRONG } from '../../fixtures/applications.ts';
import { tempDir } from '../helpers.ts';

type Handler = (...args: never[]) => unknown;

/** Everything main.ts touched, for the assertions. */
const fake = vi.hoisted(() => ({
  state: {} as Record<string, unknown>,
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const s = fake.state;

  class FakeFrame {
    constructor(
      public url: string,
      public origin: string,
      public parent: FakeFrame | null,
      public frameTreeNodeId: number,
    ) {}
  }

  class FakeWebContents extends Emitter {
    destroyed = false;
    sent: unknown[][] = [];
    windowOpenHandler: Handler | undefined;
    mainFrame = new FakeFrame('app://renderer/index.html', 'app://renderer', null, 1);
    isDestroyed = () => this.destroyed;
    send = (...args: unknown[]) => this.sent.push(args);
    setWindowOpenHandler = (handler: Handler) => {
      this.windowOpenHandler = handler;
    };
    reload = () => undefined;
    destroy() {
      this.destroyed = true;
      this.emit('destroyed');
    }
  }

  class FakeBrowserWindow extends Emitter {
    webContents = new FakeWebContents();
    loaded: string[] = [];
    constructor(public options: Record<string, unknown>) {
      super();
      (s.windows as FakeBrowserWindow[]).push(this);
      (s.app as EventEmitter).emit('web-contents-created', {}, this.webContents);
    }
    loadURL = async (url: string) => {
      this.loaded.push(url);
    };
    minimized = false;
    maximized = false;
    focused = 0;
    isDestroyed = () => false;
    isMinimized = () => this.minimized;
    maximize = () => {
      this.maximized = true;
    };
    show = () => undefined;
    focus = () => {
      this.focused++;
    };
    restore = () => {
      this.minimized = false;
    };
  }

  const app = Object.assign(new Emitter(), {
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => s.lock as boolean),
    whenReady: () => Promise.resolve(),
    getPath: (name: string) =>
      name === 'userData' ? (s.userData as string) : name === 'appData' ? (s.appData as string) : '/nonexistent',
    setLoginItemSettings: vi.fn(),
    quit: vi.fn(() => {
      const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
      app.emit('before-quit', event);
      if (!event.defaultPrevented) s.quitted = true;
    }),
    exit: vi.fn(),
  });
  // Read at each start, as Electron's is: a test may play the packaged app.
  Object.defineProperty(app, 'isPackaged', { get: () => s.packaged === true });
  s.app = app;
  s.windows = [];
  s.ipcHandlers = new Map<string, Handler>();
  s.FakeFrame = FakeFrame;
  s.FakeWebContents = FakeWebContents;
  const ses = {
    setPermissionRequestHandler: (handler: Handler) => (s.permissionRequest = handler),
    setPermissionCheckHandler: (handler: Handler) => (s.permissionCheck = handler),
    setDevicePermissionHandler: (handler: Handler) => (s.devicePermission = handler),
    webRequest: { onBeforeRequest: (_filter: unknown, handler: Handler) => (s.beforeRequest = handler) },
  };
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    dialog: { showErrorBox: vi.fn((title: string, content: string) => (s.errorBox = { title, content })) },
    ipcMain: {
      handle: (channel: string, handler: Handler) => (s.ipcHandlers as Map<string, Handler>).set(channel, handler),
    },
    Menu: { setApplicationMenu: vi.fn() },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => (s.privileged = schemes),
      handle: (scheme: string, handler: Handler) => (s.protocolHandler = { scheme, handler }),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (text: string) => Buffer.from(`enc:${text}`),
      decryptString: (buffer: Buffer) => {
        const text = buffer.toString();
        if (!text.startsWith('enc:')) throw new Error('Error while decrypting');
        return text.slice(4);
      },
      getSelectedStorageBackend: () => 'gnome_libsecret',
    },
    session: { defaultSession: ses },
    // One display, as on the CI machine: no applicant window (tests/main/app/applicant-window.test.ts has the choice).
    screen: {
      getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1366, height: 768 } }],
      getPrimaryDisplay: () => ({ id: 1, bounds: { x: 0, y: 0, width: 1366, height: 768 } }),
      on: vi.fn(),
    },
  };
});

interface FakeWindow extends EventEmitter {
  options: { title: string; kiosk?: boolean; webPreferences: Record<string, unknown> };
  loaded: string[];
  webContents: FakeContents;
  minimized: boolean;
  maximized: boolean;
  focused: number;
}
interface FakeContents extends EventEmitter {
  sent: unknown[][];
  mainFrame: unknown;
  windowOpenHandler: Handler;
  destroy(): void;
}

const s = fake.state;
const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

async function startMain(
  options: { lock?: boolean; userData?: string; packaged?: boolean; appData?: string } = {},
): Promise<void> {
  s.lock = options.lock ?? true;
  s.userData = options.userData ?? tempDir();
  s.packaged = options.packaged ?? false;
  s.appData = options.appData ?? tempDir();
  s.quitted = false;
  await import('../../../src-main/app/main.ts');
}

function window(): FakeWindow {
  return (s.windows as FakeWindow[])[0]!;
}

function ipcCall(message: unknown, sender: { contents?: unknown; frame?: unknown } = {}): Promise<ResultMessage> {
  const handler = (s.ipcHandlers as Map<string, Handler>).get('tongban:call') as (
    event: unknown,
    message: unknown,
  ) => Promise<ResultMessage>;
  const contents = (sender.contents ?? window().webContents) as FakeContents;
  const frame = 'frame' in sender ? sender.frame : contents.mainFrame;
  return handler({ sender: contents, senderFrame: frame }, message);
}

const infoCall = { type: 'call', id: 1, method: 'app.info', input: {} };

/** A data directory whose config.json sets the hall config's `app` section. */
function configured(app: { kiosk?: boolean; startAtLogin?: boolean }): string {
  const userData = tempDir();
  writeFileSync(
    path.join(userData, 'config.json'),
    JSON.stringify({
      hall: { id: 'test-hall', name: '测试政务服务中心' },
      window: { id: 'W01', name: '跨省通办专窗 1 号' },
      regionCode: '110105',
      app,
    }),
  );
  return userData;
}

const signalListeners = new Map<string, unknown[]>();

/** The stand-in module is created once; main.ts is loaded afresh for every start. */
function resetStandIn(): void {
  vi.resetModules();
  vi.clearAllMocks();
  if (s.app) (s.app as EventEmitter).removeAllListeners();
  (s.windows as unknown[] | undefined)?.splice(0);
  (s.ipcHandlers as Map<string, Handler> | undefined)?.clear();
  for (const key of ['errorBox', 'privileged', 'protocolHandler', 'permissionRequest', 'permissionCheck'])
    delete s[key];
}

/** Quits the running main (closing its core) and makes ready for the next start: a restart of the app. */
async function quitMain(): Promise<void> {
  (s.app as { quit(): void }).quit();
  await until(() => s.quitted === true);
  resetStandIn();
}

beforeEach(() => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) signalListeners.set(signal, process.listeners(signal));
  resetStandIn();
});

afterEach(async () => {
  // Close a core left open so its database and log files are released.
  if (s.app && !s.quitted && (s.ipcHandlers as Map<string, Handler>).size > 0) {
    (s.app as { quit(): void }).quit();
    await until(() => s.quitted === true);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!signalListeners.get(signal)?.includes(listener)) process.off(signal, listener);
    }
  }
});

describe('Electron main', () => {
  it('registers the app scheme as privileged and sandboxes every renderer before ready', async () => {
    await startMain();
    expect(s.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
    await until(() => (s.windows as unknown[]).length === 1);
  });

  it('opens one locked-down, Chinese-titled window on app://renderer', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    const { options, loaded } = window();
    expect(options.title).toBe('通办专窗');
    expect(options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    });
    expect(path.basename(options.webPreferences.preload as string)).toBe('preload.cjs');
    expect(loaded).toEqual(['app://renderer/index.html']);
    expect((s.protocolHandler as { scheme: string }).scheme).toBe('app');
    expect(window().webContents.windowOpenHandler()).toEqual({ action: 'deny' });
  });

  it('keeps navigation home', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    const contents = window().webContents;
    const navigate = (url: string) => {
      const event = { url, prevented: false, preventDefault: () => (event.prevented = true) };
      contents.emit('will-navigate', event);
      return event.prevented;
    };
    expect(navigate('https://evil.example/')).toBe(true);
    expect(navigate('app://renderer/index.html')).toBe(false);
  });

  it('lets the PDF preview iframe show our blob: URL, and keeps every other frame and the window off it', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    const contents = window().webContents;
    // Electron's event objects: `will-navigate` is the main frame's, `will-frame-navigate`
    // any frame's, both with isMainFrame.
    const refused = (name: string, url: string, isMainFrame: boolean) => {
      const event = { url, isMainFrame, prevented: false, preventDefault: () => (event.prevented = true) };
      contents.emit(name, event);
      return event.prevented;
    };
    const ours = 'blob:app://renderer/6f1c2d3e-0a4b-4c5d-8e9f-0123456789ab';
    expect(refused('will-frame-navigate', ours, false)).toBe(false);
    expect(refused('will-frame-navigate', ours, true)).toBe(true);
    expect(refused('will-navigate', ours, true)).toBe(true);
    expect(refused('will-redirect', ours, true)).toBe(true);
    expect(refused('will-frame-navigate', 'blob:https://evil.example/6f1c2d3e', false)).toBe(true);
    expect(refused('will-frame-navigate', 'data:application/pdf;base64,JVBERi0=', false)).toBe(true);
    expect(refused('will-frame-navigate', 'javascript:alert(1)', false)).toBe(true);
    expect(refused('will-frame-navigate', 'https://evil.example/a.pdf', false)).toBe(true);
    // An event without isMainFrame is taken for the window's own.
    const bare = { url: ours, prevented: false, preventDefault: () => (bare.prevented = true) };
    contents.emit('will-frame-navigate', bare);
    expect(bare.prevented).toBe(true);
  });

  it('grants camera and microphone to our origin only', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    const request = s.permissionRequest as (...args: unknown[]) => void;
    const answers: boolean[] = [];
    const ask = (permission: string, details: Record<string, unknown>) =>
      request({}, permission, (granted: boolean) => answers.push(granted), details);
    ask('media', {
      isMainFrame: true,
      requestingUrl: 'app://renderer/index.html',
      securityOrigin: 'app://renderer',
      mediaTypes: ['video', 'audio'],
    });
    ask('media', {
      isMainFrame: true,
      requestingUrl: 'https://evil.example/',
      securityOrigin: 'https://evil.example',
      mediaTypes: ['video'],
    });
    ask('geolocation', { isMainFrame: true, requestingUrl: 'app://renderer/index.html' });
    expect(answers).toEqual([true, false, false]);
    const check = s.permissionCheck as (...args: unknown[]) => boolean;
    expect(check({}, 'media', 'app://renderer', { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(check({}, 'notifications', 'app://renderer', { isMainFrame: true })).toBe(false);
    expect((s.devicePermission as () => boolean)()).toBe(false);
  });

  it('relays calls from our main frame to the core', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    const result = await ipcCall(infoCall);
    expect(result).toMatchObject({ type: 'result', id: 1, ok: true, value: { host: 'electron' } });
  });

  it('refuses calls from other origins, subframes, vanished frames and foreign webContents', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    const FakeFrame = s.FakeFrame as new (...args: unknown[]) => unknown;
    const FakeWebContents = s.FakeWebContents as new () => FakeContents;
    const main = window().webContents.mainFrame;
    await expect(ipcCall(infoCall, { frame: new FakeFrame('http://evil/', 'http://evil', null, 1) })).rejects.toThrow(
      /origin http:\/\/evil/,
    );
    await expect(
      ipcCall(infoCall, { frame: new FakeFrame('app://renderer/x.html', 'app://renderer', main, 2) }),
    ).rejects.toThrow(/subframe/);
    await expect(ipcCall(infoCall, { frame: null })).rejects.toThrow(/frame is gone/);
    await expect(ipcCall(infoCall, { contents: new FakeWebContents() })).rejects.toThrow(/not a window of this app/);
  });

  it('answers an oversized call with request.tooLarge without reaching the core', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    const result = await ipcCall({ ...infoCall, id: 9, input: { blob: new Uint8Array(33 * 1024 * 1024) } });
    expect(result).toMatchObject({ id: 9, ok: false, error: { code: 'request.tooLarge' } });
  });

  it('carries a file larger than one message in chunks, and drops a half-sent one with its window', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    let id = 100;
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const result = await ipcCall({ type: 'call', id: ++id, method, input });
      expect(result, method).toMatchObject({ ok: true });
      return (result as { value: T }).value;
    };
    await call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
    await call('users.create', { username: 'clerk01', displayName: '张窗口', role: 'clerk', password: STRONG });
    await call('auth.logout', {});
    await call('auth.login', { username: 'clerk01', password: STRONG });
    const draft = await call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });

    // Over the message limit IPC enforces, so it can only have come in chunks.
    const file = Buffer.concat([pngBytes(), randomBytes(MAX_MESSAGE_BYTES + 1024)]);
    const { uploadId, chunkBytes } = await call<{ uploadId: string; chunkBytes: number }>('uploads.begin', {
      purpose: 'material',
      draftId: draft.id,
      name: '身份证.png',
      size: file.length,
    });
    for (let offset = 0; offset < file.length; offset += chunkBytes) {
      // A fresh buffer per chunk, as the renderer's File slices are (structured clone copies the whole buffer).
      await call('uploads.chunk', {
        uploadId,
        offset,
        bytes: Uint8Array.from(file.subarray(offset, offset + chunkBytes)),
      });
    }
    const view = await call<DraftView>('drafts.addFile', { id: draft.id, materialId: 'applicant-id-card', uploadId });
    expect(view.files).toEqual([
      expect.objectContaining({ size: file.length, sha256: createHash('sha256').update(file).digest('hex') }),
    ]);

    const half = await call<{ uploadId: string }>('uploads.begin', {
      purpose: 'material',
      draftId: draft.id,
      name: '照片.png',
      size: file.length,
    });
    await call('uploads.chunk', {
      uploadId: half.uploadId,
      offset: 0,
      bytes: Uint8Array.from(file.subarray(0, chunkBytes)),
    });
    const tmp = path.join(s.userData as string, 'blobs', 'tmp');
    expect(readdirSync(tmp)).toHaveLength(1);
    window().webContents.destroy();
    await until(() => !existsSync(tmp) || readdirSync(tmp).length === 0);
  });

  it('drops the connection with its webContents and closes the core before quitting', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    const contents = window().webContents;
    contents.destroy();
    await expect(ipcCall(infoCall, { contents })).rejects.toThrow(/not a window of this app/);

    (s.app as { quit(): void }).quit();
    expect(s.quitted).toBe(false); // held back until the core has closed
    await until(() => s.quitted === true);
  });

  it('restarts the core on a config the setup wizard saved: the window is connected to the new one and reloaded', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    let id = 500;
    const call = async <T>(method: string, input: unknown): Promise<T> => {
      const result = await ipcCall({ type: 'call', id: ++id, method, input });
      expect(result, method).toMatchObject({ ok: true });
      return (result as { value: T }).value;
    };
    await call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
    const contents = window().webContents as FakeContents & { reload: () => void };
    let reloads = 0;
    contents.reload = () => reloads++;
    const hall = {
      profile: 'configured',
      hall: { id: 'xc-hall', name: '北京市西城区政务服务中心' },
      window: { id: 'W07', name: '跨省通办专窗 7 号' },
      regionCode: '110102',
    };
    expect(await call('setup.save', { config: hall, tokens: [] })).toEqual({ saved: true, problems: [] });
    await until(() => reloads === 1);
    expect(await call('app.info', {})).toMatchObject({ profile: 'configured', hallName: '北京市西城区政务服务中心' });
    // A new core: the page signs in again.
    expect(await call('auth.session', {})).toMatchObject({ user: null });
  });

  it('shows the Chinese message and the English detail when start-up fails, and exits non-zero', async () => {
    const userData = tempDir();
    mkdirSync(path.join(userData, 'db'), { recursive: true });
    writeFileSync(path.join(userData, 'db', 'tongban.db'), 'a database whose key is gone');
    await startMain({ userData });
    const app = s.app as { exit: ReturnType<typeof vi.fn> };
    await until(() => app.exit.mock.calls.length > 0);
    expect(app.exit).toHaveBeenCalledWith(1);
    const box = s.errorBox as { title: string; content: string };
    expect(box.title).toBe('通办专窗无法启动');
    expect(box.content).toContain('找不到数据加密密钥');
    expect(box.content).toContain('database exists but no master key was found');
    expect(s.windows).toEqual([]);
  });

  it('brings its window forward, restored, when the app is started a second time', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    window().minimized = true;
    (s.app as EventEmitter).emit('second-instance', {}, ['tongban-desk'], '/');
    expect(window().minimized).toBe(false);
    expect(window().focused).toBe(1);
  });

  it('opens the clerk’s window maximized, or in kiosk mode when the hall config asks', async () => {
    await startMain();
    await until(() => (s.windows as unknown[]).length === 1);
    expect(window().options.kiosk).toBe(false);
    window().emit('ready-to-show');
    expect(window().maximized).toBe(true);
    await quitMain();
    await startMain({ userData: configured({ kiosk: true }) });
    await until(() => (s.windows as unknown[]).length === 1);
    expect(window().options.kiosk).toBe(true);
    window().emit('ready-to-show');
    expect(window().maximized).toBe(false);
  });

  it('starts at login when the packaged app’s hall config says so, and stops when it no longer does', async () => {
    const appData = tempDir();
    const autostart = path.join(appData, 'autostart', 'tongban-desk.desktop');
    const app = s.app as { setLoginItemSettings: ReturnType<typeof vi.fn> };
    await startMain({ packaged: true, appData, userData: configured({ startAtLogin: true }) });
    await until(() => (s.windows as unknown[]).length === 1);
    if (process.platform === 'linux') {
      expect(readFileSync(autostart, 'utf8')).toContain(`Exec=${process.execPath}`);
    } else {
      expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true });
    }
    await quitMain();
    await startMain({ packaged: true, appData });
    await until(() => (s.windows as unknown[]).length === 1);
    if (process.platform === 'linux') expect(existsSync(autostart)).toBe(false);
    else expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false });
  });

  it('leaves start at login alone when run unpackaged (development Electron has no executable of its own)', async () => {
    const appData = tempDir();
    await startMain({ appData, userData: configured({ startAtLogin: true }) });
    await until(() => (s.windows as unknown[]).length === 1);
    expect(existsSync(path.join(appData, 'autostart'))).toBe(false);
    expect((s.app as { setLoginItemSettings: ReturnType<typeof vi.fn> }).setLoginItemSettings).not.toHaveBeenCalled();
  });

  it('leaves the data to the instance that holds the lock', async () => {
    await startMain({ lock: false });
    const app = s.app as { quit: ReturnType<typeof vi.fn> };
    expect(app.quit).toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(s.windows).toEqual([]);
    expect((s.ipcHandlers as Map<string, Handler>).size).toBe(0);
  });

  it('runs the doctor with --doctor on its data directory and safeStorage key, and exits with its code', async () => {
    const userData = tempDir();
    // A data directory the app has run on: its master key is kept by safeStorage.
    const { safeStorage } = await import('electron');
    const { bootHallCore } = await import('../../../src-main/core/hall-core.ts');
    const { SafeStorageKeyProvider } = await import('../../../src-main/app/safe-storage-keys.ts');
    const { createStreamLogger } = await import('../../../src-main/core/log.ts');
    const { LogCapture } = await import('../helpers.ts');
    const core = await bootHallCore({
      dataDir: userData,
      logger: createStreamLogger(new LogCapture()),
      platform: { host: 'electron', keys: new SafeStorageKeyProvider(userData, safeStorage) },
    });
    await core.close();

    const argv = process.argv;
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    process.argv = [...argv, '--doctor', '--json'];
    try {
      await startMain({ userData });
      const app = s.app as { exit: ReturnType<typeof vi.fn>; requestSingleInstanceLock: ReturnType<typeof vi.fn> };
      await until(() => app.exit.mock.calls.length > 0);
      const { CheckReport } = await import('../../../src-main/common/doctor.ts');
      const report = CheckReport.parse(JSON.parse(printed.join('')));
      expect(app.exit).toHaveBeenCalledWith(report.ok ? 0 : 1);
      const line = (id: string) => report.lines.find((l) => l.id === id);
      expect(line('dataDir')?.detail).toBe(userData);
      expect(line('key')).toMatchObject({ state: 'ok', message: expect.stringContaining('Electron safeStorage') });
      expect(line('database')?.state).toBe('ok');
      // Nothing of the app started: no lock taken, no core, no window.
      expect(app.requestSingleInstanceLock).not.toHaveBeenCalled();
      expect(s.windows).toEqual([]);
      expect((s.ipcHandlers as Map<string, Handler>).size).toBe(0);
    } finally {
      process.argv = argv;
      write.mockRestore();
    }
  });
});
