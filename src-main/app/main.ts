// The Electron main process: a thin shell around the hall core. It boots the core,
// serves the renderer from app://renderer, locks the window down, and relays
// contract messages over one IPC channel. Every decision lives in policy.ts.
// When the setup wizard saves a config the core restarts in this process: every window's
// connection closes, a new core boots on the same data directory, and each window is
// connected to it and reloaded (its page starts afresh: sign-in).
import './before-ready.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  safeStorage,
  screen,
  session,
  type WebContents,
  type WebPreferences,
} from 'electron';
import { errorMessage, t } from '../common/i18n/index.ts';
import { type ErrorCode, isAppError } from '../common/errors.ts';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type ResultMessage } from '../api/wire.ts';
import { rendererDir } from '../core/app-paths.ts';
import { bootHallCore, type Connection, type HallCore } from '../core/hall-core.ts';
import { applyStartAtLogin } from './autostart.ts';
import { runTongbanCli } from '../installer/cli.ts';
import {
  APP_SCHEME,
  RENDERER_ENTRY_URL,
  applicantDisplay,
  applicantUrl,
  checkIpcSender,
  exceedsMessageLimit,
  isAllowedNavigation,
  isPermissionAllowed,
  tooLargeResult,
} from './policy.ts';
import { createRendererHandler } from './renderer-protocol.ts';
import { SafeStorageKeyProvider } from './safe-storage-keys.ts';

/** tsc emits preload.cts as preload.cjs next to this file. */
const PRELOAD_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), 'preload.cjs');

/** Our windows' webContents, each with its one core connection. */
const connections = new Map<WebContents, Connection>();
let mainWindow: BrowserWindow | null = null;
/** The applicant screen (申请人屏) on the second display, when there is one. */
let applicantWindow: BrowserWindow | null = null;
/** The hall core served now (replaced when the setup wizard's save restarts it). */
let core: HallCore;
/** Contents whose `destroyed` listener is set (a restart connects them again). */
const everConnected = new WeakSet<WebContents>();
/** A restart under way (the quit waits for it). */
let restarting: Promise<void> | undefined;

if (process.argv.includes('--doctor')) {
  // Checks only: no window, no core, no lock (the doctor reads while a running app holds the data).
  void runDoctorAndExit();
} else if (app.requestSingleInstanceLock()) {
  app.on('second-instance', () => {
    if (!mainWindow || mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => app.quit());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
  void start();
} else {
  // Another instance owns the data directory; it has been asked to come forward.
  app.quit();
}

/** `tongban-desk --doctor [--json]`: the doctor's report on this app's data directory, then exit. */
async function runDoctorAndExit(): Promise<void> {
  // safeStorage decrypts the master key only once the app is ready.
  await app.whenReady();
  const dataDir = app.getPath('userData');
  const code = await runTongbanCli(['doctor', ...(process.argv.includes('--json') ? ['--json'] : [])], undefined, {
    dataDir,
    keys: () => new SafeStorageKeyProvider(dataDir, safeStorage),
  });
  app.exit(code);
}

async function start(): Promise<void> {
  await app.whenReady();
  const dataDir = app.getPath('userData');
  const keys = new SafeStorageKeyProvider(dataDir, safeStorage);
  const boot = () =>
    bootHallCore({
      dataDir,
      platform: { host: 'electron', keys },
      onRestartRequested: () => {
        restarting ??= restartCore(boot).finally(() => {
          restarting = undefined;
        });
      },
    });

  if (!(await bootOrExit(boot))) return;

  if (app.isPackaged) Menu.setApplicationMenu(null);
  lockDownSession();
  protocol.handle(APP_SCHEME, createRendererHandler(rendererDir()));
  serveIpc();
  closeCoreOnQuit();
  followStartAtLogin(core);
  mainWindow = createWindow();
  // The applicant screen goes with the clerk's window (so the app quits when it closes).
  mainWindow.once('closed', () => applicantWindow?.destroy());
  followApplicantDisplay();
}

/** Boots a core into `core`; a core that cannot start is said in a dialog and the app exits. */
async function bootOrExit(boot: () => Promise<HallCore>): Promise<boolean> {
  try {
    core = await boot();
    return true;
  } catch (error) {
    reportBootFailure(error);
    app.exit(1);
    return false;
  }
}

/** The setup wizard saved a config: the windows' connections close, a new core boots, the windows reload on it. */
async function restartCore(boot: () => Promise<HallCore>): Promise<void> {
  const windows = [...connections.keys()];
  for (const connection of connections.values()) connection.close();
  connections.clear();
  await core.close();
  if (!(await bootOrExit(boot))) return;
  // The saved config may have turned start at login on or off.
  followStartAtLogin(core);
  for (const contents of windows) {
    if (contents.isDestroyed()) continue;
    connect(contents);
    if (applicantWindow && contents === applicantWindow.webContents) {
      // The old core's pairing went with it: the applicant's page is paired with the new one.
      contents
        .loadURL(applicantUrl(core.applicantPairing.pairDisplay()))
        .catch((error: unknown) => core.logger.error({ err: error }, 'loading the applicant screen failed'));
    } else {
      contents.reload();
    }
  }
}

/**
 * Start at login as the hall config says (`app.startAtLogin`). Only the packaged app: a
 * development Electron has no executable of its own to start. A failure is logged, not fatal.
 */
function followStartAtLogin(core: HallCore): void {
  if (!app.isPackaged) return;
  try {
    applyStartAtLogin(core.config.app.startAtLogin, {
      platform: process.platform,
      executable: process.env.APPIMAGE ?? process.execPath,
      configDir: app.getPath('appData'),
      setLoginItem: (openAtLogin) => app.setLoginItemSettings({ openAtLogin }),
    });
  } catch (error) {
    core.logger.warn({ err: error }, 'setting start at login failed');
  }
}

/** The clerk sees the Chinese message; the English detail is for the installer. */
function reportBootFailure(error: unknown): void {
  console.error('tongban: start-up failed:', error);
  const code: ErrorCode = isAppError(error) ? error.code : 'internal';
  const detail = isAppError(error) ? error.detail : error instanceof Error ? error.message : String(error);
  const params = isAppError(error) ? error.params : undefined;
  dialog.showErrorBox(t('app.startupFailed'), `${errorMessage(code, params)}\n\n${detail}`);
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    const securityOrigin = 'securityOrigin' in details ? details.securityOrigin : undefined;
    callback(
      isPermissionAllowed({
        permission,
        origins: [securityOrigin, details.requestingUrl],
        isMainFrame: details.isMainFrame,
        mediaTypes,
      }),
    );
  });
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionAllowed({
      permission,
      origins: [requestingOrigin, details.securityOrigin, details.embeddingOrigin, details.requestingUrl],
      isMainFrame: details.isMainFrame,
      mediaType: details.mediaType,
    }),
  );
  // Devices belong to the core; pages get no WebHID, WebSerial or WebUSB devices.
  ses.setDevicePermissionHandler(() => false);
  // Pages never talk to the network (the core does); the CSP says so too.
  ses.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (details, callback) => {
      callback({ cancel: details.webContentsId !== undefined });
    },
  );
}

/** Applied to every webContents, ours included. */
function harden(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // An event without isMainFrame counts as the window's own: the stricter rule.
  const stayHome = (event: { url: string; isMainFrame?: boolean; preventDefault(): void }): void => {
    if (!isAllowedNavigation({ url: event.url, isMainFrame: event.isMainFrame ?? true })) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-frame-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function serveIpc(): void {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, message: unknown): Promise<ResultMessage> => {
    const contents = event.sender;
    const connection = contents.isDestroyed() ? undefined : connections.get(contents);
    const frame = connection ? event.senderFrame : null;
    const verdict = checkIpcSender({
      fromOurWindow: connection !== undefined,
      frame: frame && {
        url: frame.url,
        origin: frame.origin,
        isMainFrame: frame.parent === null && frame.frameTreeNodeId === contents.mainFrame.frameTreeNodeId,
      },
    });
    if (!verdict.ok || !connection) {
      const reason = verdict.ok ? 'no connection' : verdict.reason;
      core.logger.warn({ reason }, 'IPC call refused');
      throw new Error(`call refused: ${reason}`);
    }
    if (exceedsMessageLimit(message)) return tooLargeResult(message);
    return connection.handle(message);
  });
}

function closeCoreOnQuit(): void {
  let state: 'open' | 'closing' | 'closed' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    const closing = async () => {
      await restarting;
      for (const connection of connections.values()) connection.close();
      connections.clear();
      await core.close();
    };
    closing()
      .catch((error: unknown) => {
        // The logger is closed with the core; stderr is what is left.
        console.error('tongban: closing the core failed:', error);
      })
      .finally(() => {
        state = 'closed';
        app.quit();
      });
  });
}

function createWindow(): BrowserWindow {
  // Kiosk mode (hall config `app.kiosk`): full screen, and no leaving it but quitting.
  const { kiosk } = core.config.app;
  const window = new BrowserWindow({
    title: t('app.name'),
    show: false,
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 700,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    kiosk,
    webPreferences: lockedDownPreferences(),
  });
  const contents = window.webContents;
  connect(contents);
  window.once('ready-to-show', () => {
    if (!kiosk) window.maximize();
    window.show();
  });
  reloadAfterCrash(contents);
  window
    .loadURL(RENDERER_ENTRY_URL)
    .catch((error: unknown) => core.logger.error({ err: error }, 'loading the renderer failed'));
  return window;
}

/** Every window of ours: sandboxed, isolated, our preload and nothing else. */
function lockedDownPreferences(): WebPreferences {
  return {
    preload: PRELOAD_PATH,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    devTools: !app.isPackaged,
  };
}

/** One core connection per window, closed with it (the core hears a closed applicant screen as lost). */
function connect(contents: WebContents): void {
  const first = !everConnected.has(contents);
  everConnected.add(contents);
  connections.set(
    contents,
    core.openConnection((event) => {
      if (!contents.isDestroyed()) contents.send(IPC_EVENT_CHANNEL, event);
    }),
  );
  if (!first) return;
  contents.once('destroyed', () => {
    connections.get(contents)?.close();
    connections.delete(contents);
  });
}

/**
 * The applicant screen follows the displays: a second display gets a full-screen kiosk
 * window with the applicant's page, paired directly (the shell is trusted, no code);
 * a display unplugged takes its window away (the core tells the clerk the screen was
 * lost). No second display: no window, and the clerk's panel says 没有申请人屏幕.
 */
function followApplicantDisplay(): void {
  const place = () => {
    const display = applicantDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay().id);
    if (!display) {
      applicantWindow?.destroy();
      applicantWindow = null;
      return;
    }
    if (applicantWindow && !applicantWindow.isDestroyed()) {
      applicantWindow.setBounds(display.bounds);
      return;
    }
    applicantWindow = createApplicantWindow(display.bounds);
  };
  place();
  screen.on('display-added', place);
  screen.on('display-removed', place);
  screen.on('display-metrics-changed', place);
}

function createApplicantWindow(bounds: Electron.Rectangle): BrowserWindow {
  const window = new BrowserWindow({
    title: t('applicant.pairing.title'),
    ...bounds,
    show: false,
    fullscreen: true,
    kiosk: true,
    frame: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: lockedDownPreferences(),
  });
  const contents = window.webContents;
  connect(contents);
  window.once('ready-to-show', () => window.showInactive());
  window.once('closed', () => {
    if (applicantWindow === window) applicantWindow = null;
  });
  reloadAfterCrash(contents);
  window
    .loadURL(applicantUrl(core.applicantPairing.pairDisplay()))
    .catch((error: unknown) => core.logger.error({ err: error }, 'loading the applicant screen failed'));
  return window;
}

/** A crashed renderer comes back by itself, but a crash loop is left for the installer to see. */
function reloadAfterCrash(contents: WebContents): void {
  const recent: number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    core.logger.error({ reason: details.reason, exitCode: details.exitCode }, 'renderer process gone');
    if (details.reason === 'clean-exit' || contents.isDestroyed()) return;
    const now = Date.now();
    while (recent.length > 0 && now - (recent[0] ?? now) > 60_000) recent.shift();
    if (recent.length >= 3) return;
    recent.push(now);
    contents.reload();
  });
}
