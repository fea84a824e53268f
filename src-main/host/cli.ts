// `npm run start:browser`: boots the hall core with the key-file provider, starts
// the browser host on loopback and opens the page in the system browser.
// The page URL carries a one-time code, never the host's token (see server.ts); in
// a terminal, Enter gives a fresh URL when the first one was spent or went stale.
//
//   node dist/src-main/host/cli.js [--data-dir DIR] [--key-file FILE] [--port N] [--no-open] [--url-file FILE]
//
// Without --port the host takes the port it had last time when free (host-port.ts).
// When the setup wizard saves a config the core restarts in this process: the pages'
// sockets close, a new core boots on the same data directory, the host serves it on the
// same port with the same token, and the pages reconnect.
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { isAppError } from '../common/errors.ts';
import { rendererDir } from '../core/app-paths.ts';
import { bootHallCore, type HallCore } from '../core/hall-core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { errorMessage, t } from '../common/i18n/index.ts';
import { onPreferredPort, rememberPort, rememberedPort } from './host-port.ts';
import { KeyFileProvider } from './key-file.ts';
import { OPEN_CODE_TTL_MS, startBrowserHost, type BrowserHost } from './server.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      'key-file': { type: 'string' },
      port: { type: 'string' },
      open: { type: 'boolean', default: true },
      'no-open': { type: 'boolean', default: false },
      'url-file': { type: 'string' },
    },
    allowNegative: true,
  });
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const keys = values['key-file'] ? KeyFileProvider.at(values['key-file']) : new KeyFileProvider(join(dataDir, 'keys'));
  if (keys.isInside(dataDir)) {
    // Said at every start, in English like the other start-up lines: it is for installers.
    console.warn(
      `warning: the master key (${keys.file}) is inside the data directory; a copy of that directory ` +
        'reads every record. Keep the key elsewhere with --key-file FILE.',
    );
  }

  /** Set once the host listens; a restart before that has no pages to close. */
  const serving: { host?: BrowserHost } = {};
  let core: HallCore;
  let restarting: Promise<void> | undefined;
  const boot = () =>
    bootHallCore({
      dataDir,
      platform: { host: 'browser', keys },
      onRestartRequested: () => {
        restarting ??= restart().finally(() => {
          restarting = undefined;
        });
      },
    });
  /** The setup wizard saved a config: the same host serves a new core on it. */
  const restart = async () => {
    console.log('Restarting the hall core on the saved config');
    await serving.host?.suspend();
    await core.close();
    try {
      core = await boot();
    } catch (error) {
      // The saved config does not start (it was validated, so rarely): as at start-up.
      reportStartupFailure(error);
      await serving.host?.close();
      process.exit(1);
    }
    serving.host?.resume(core);
    console.log(`Tongban Desk hall core restarted (${core.info.profile}: ${core.info.hallName})`);
  };
  try {
    core = await boot();
  } catch (error) {
    if (!isAppError(error)) throw error;
    reportStartupFailure(error);
    return 1;
  }

  const started =
    values.port === undefined
      ? await onPreferredPort(rememberedPort(core.paths.root), (port) =>
          startBrowserHost({ core, rendererDir: rendererDir(), port }),
        )
      : await startBrowserHost({ core, rendererDir: rendererDir(), port: Number(values.port) });
  serving.host = started;
  rememberPort(core.paths.root, Number(new URL(started.origin).port));
  // For automation: a code of its own, in an owner-only file, for whoever starts us.
  // Written beside and renamed in, so whoever waits for the file never reads it empty.
  if (values['url-file']) {
    const partial = `${values['url-file']}.partial`;
    writeFileSync(partial, started.openUrl(), { mode: 0o600 });
    renameSync(partial, values['url-file']);
  }
  console.log(`Tongban Desk browser host on ${started.origin} (data: ${core.paths.root})`);
  const opening = values.open && !values['no-open'];
  offerPage(started, opening);
  if (process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', () => offerPage(started, opening));
  }

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await restarting;
  await started.close();
  await core.close();
  return 0;
}

function reportStartupFailure(error: unknown): void {
  if (!isAppError(error)) {
    console.error(error);
    return;
  }
  console.error(`${t('app.startupFailed')}：${errorMessage(error.code, error.params)}`);
  console.error(`(${error.code}) ${error.detail}`);
}

/** Prints (and opens) a fresh page URL: a spent or stale code is all a reader of the terminal or `ps` can find. */
function offerPage(host: BrowserHost, opening: boolean): void {
  const url = host.openUrl();
  const seconds = OPEN_CODE_TTL_MS / 1000;
  console.log(`Open: ${url}  (opens once, within ${seconds} s; press Enter here for a new link)`);
  if (opening) openInBrowser(url);
}

function openInBrowser(url: string): void {
  const graphical = process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  if (!graphical) return;
  const [command, args] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '', url]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
  child.on('error', () => undefined); // the URL is printed; opening is a convenience
  child.unref();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
