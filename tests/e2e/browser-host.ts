// Starts the real browser host (the built app, as `npm run start:browser` does)
// in a child process with its own temporary data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { test as base } from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunningHost {
  /** The page URL of the --url-file: its one-time code opens the page once. */
  url: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * libfaketime in the host itself (not the `faketime` wrapper, which would stand between
 * the test and the host's signals): the multi-threaded library, as the host runs worker
 * threads; timers keep the real monotonic clock.
 */
function daysLaterEnv(days: number): NodeJS.ProcessEnv {
  const library = readdirSync('/usr/lib', { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join('/usr/lib', entry.name, 'faketime', 'libfaketimeMT.so.1'))
    .find((path) => existsSync(path));
  if (!library) throw new Error('libfaketime is missing: apt-get install -y faketime');
  return { LD_PRELOAD: library, FAKETIME: `+${days}d`, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}

/**
 * Without `port` the host takes its data directory's port of last time when free, as in
 * use. `daysLater` runs the host's clock that many days ahead (libfaketime), for what
 * happens when days have passed: the same host, started on a later day.
 */
export async function startHost(
  options: { dataDir?: string; port?: number; daysLater?: number } = {},
): Promise<RunningHost> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tongban-e2e-'));
  const urlFile = join(dataDir, '.host-url');
  rmSync(urlFile, { force: true });
  const hostArgs = [
    'dist/src-main/host/cli.js',
    '--data-dir',
    dataDir,
    ...(options.port === undefined ? [] : ['--port', String(options.port)]),
    '--no-open',
    '--url-file',
    urlFile,
  ];
  const child: ChildProcess = spawn(process.execPath, hostArgs, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.daysLater === undefined ? process.env : { ...process.env, ...daysLaterEnv(options.daysLater) },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // A host that dies on its own (a crash, a signal) says how, for the failed test's attachment.
  child.on('exit', (code, signal) => (output += `\n[host process exited: code ${code}, signal ${signal}]\n`));

  const deadline = Date.now() + 20_000;
  while (!existsSync(urlFile)) {
    if (child.exitCode !== null) throw new Error(`browser host exited early:\n${output}`);
    if (Date.now() > deadline) throw new Error(`browser host did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: readFileSync(urlFile, 'utf8'),
    dataDir,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Playwright's test with a fresh browser host (own data dir) per test, removed after. */
export const test = base.extend<{ host: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern
  host: async ({}, use, testInfo) => {
    const host = await startHost();
    await use(host);
    await host.stop();
    // A failed test carries what the host process printed (a crash's stack, its last words).
    if (testInfo.status !== testInfo.expectedStatus) {
      await testInfo.attach('host-output', { body: host.output(), contentType: 'text/plain' });
    }
    rmSync(host.dataDir, { recursive: true, force: true });
  },
});
export { expect } from '@playwright/test';
