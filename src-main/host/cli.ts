// `npm run start:browser`: boots the hall core with the key-file provider, starts
// the browser host on loopback and opens the page in the system browser.
//
//   node dist/src-main/host/cli.js [--data-dir DIR] [--key-file FILE] [--port N] [--no-open] [--url-file FILE]
//
// Without --port the host takes the port it had last time when free (host-port.ts).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isAppError } from '../common/errors.ts';
import { rendererDir } from '../core/app-paths.ts';
import { bootHallCore } from '../core/hall-core.ts';
import { defaultDataDir } from '../core/data-dir.ts';
import { errorMessage, t } from '../common/i18n/index.ts';
import { onPreferredPort, rememberPort, rememberedPort } from './host-port.ts';
import { KeyFileProvider } from './key-file.ts';
import { startBrowserHost } from './server.ts';

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

  let core;
  try {
    core = await bootHallCore({
      dataDir,
      platform: { host: 'browser', keys },
    });
  } catch (error) {
    if (!isAppError(error)) throw error;
    console.error(`${t('app.startupFailed')}：${errorMessage(error.code, error.params)}`);
    console.error(`(${error.code}) ${error.detail}`);
    return 1;
  }

  const host =
    values.port === undefined
      ? await onPreferredPort(rememberedPort(core.paths.root), (port) =>
          startBrowserHost({ core, rendererDir: rendererDir(), port }),
        )
      : await startBrowserHost({ core, rendererDir: rendererDir(), port: Number(values.port) });
  rememberPort(core.paths.root, Number(new URL(host.origin).port));
  if (values['url-file']) writeFileSync(values['url-file'], host.url, { mode: 0o600 });
  console.log(`Tongban Desk browser host on ${host.origin} (data: ${core.paths.root})`);
  console.log(`Open: ${host.url}`);
  if (values.open && !values['no-open']) openInBrowser(host.url);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await host.close();
  await core.close();
  return 0;
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
