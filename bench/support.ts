// Shared by the benchmark files: a figure table, temp dirs, a quiet core.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bootHallCore, type HallCore } from '../src-main/core/hall-core.ts';
import { createStreamLogger } from '../src-main/core/log.ts';
import { KeyFileProvider } from '../src-main/host/key-file.ts';
import type { SyncOptions } from '../src-main/sync/sync-options.ts';
import type { NoticeRendererOptions } from '../src-main/intake/notice-renderer.ts';

export interface Figure {
  name: string;
  value: string;
  note?: string;
}

export const figures: Figure[] = [];
export const MiB = 1024 * 1024;

/** The middle value (the upper of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function record(name: string, value: string, note?: string): void {
  figures.push(note ? { name, value, note } : { name, value });
}

const workDirs: string[] = [];
// A bench that throws half-way leaves its directory behind; whatever is left goes at exit.
process.on('exit', () => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

export function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-bench-'));
  workDirs.push(dir);
  return dir;
}

export function bootCore(dataDir: string, sync?: SyncOptions, documents?: NoticeRendererOptions): Promise<HallCore> {
  const quiet = new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
  return bootHallCore({
    dataDir,
    logger: createStreamLogger(quiet),
    platform: { host: 'browser', keys: new KeyFileProvider(join(dataDir, 'keys')) },
    ...(sync ? { sync } : {}),
    ...(documents ? { documents } : {}),
  });
}

/**
 * The built browser host (as `npm run start:browser` runs it) on `dataDir`, and a Chromium
 * page at the window's 1366×768 on its one-time URL. `close` ends both. `chromiumArgs` are
 * added to Chromium's command line (a fake camera); `hostPid` is the host's process (the
 * core runs in it), for its memory.
 */
export async function hostPage(
  dataDir: string,
  chromiumArgs: string[] = [],
): Promise<{ page: Page; browser: Browser; hostPid: number; close: () => Promise<void> }> {
  if (!existsSync('dist/src-main/host/cli.js')) throw new Error('run `npm run build` first');
  const urlFile = join(dataDir, '.url');
  const host = spawn(
    process.execPath,
    ['dist/src-main/host/cli.js', '--data-dir', dataDir, '--no-open', '--url-file', urlFile],
    {
      stdio: 'ignore',
    },
  );
  const stopHost = async () => {
    if (host.exitCode !== null) return;
    host.kill('SIGTERM');
    await new Promise((resolve) => host.once('exit', resolve));
  };
  try {
    while (!existsSync(urlFile)) await new Promise((resolve) => setTimeout(resolve, 50));
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', ...chromiumArgs],
    });
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(readFileSync(urlFile, 'utf8'));
    return {
      page,
      browser,
      hostPid: host.pid!,
      close: async () => {
        await browser.close();
        await stopHost();
      },
    };
  } catch (error) {
    await stopHost();
    throw error;
  }
}

export function printFigures(): void {
  const width = Math.max(...figures.map((f) => f.name.length));
  console.log('\nTongban Desk benchmarks\n');
  for (const figure of figures) {
    console.log(`${figure.name.padEnd(width)}  ${figure.value}${figure.note ? `  (${figure.note})` : ''}`);
  }
  console.log(`\npeak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
