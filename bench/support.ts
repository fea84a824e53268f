// Shared by the benchmark files: a figure table, temp dirs, a quiet core.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { bootHallCore, type HallCore } from '../src-main/core/hall-core.ts';
import { createStreamLogger } from '../src-main/core/log.ts';
import { KeyFileProvider } from '../src-main/host/key-file.ts';
import type { SyncOptions } from '../src-main/sync/sync-options.ts';

export interface Figure {
  name: string;
  value: string;
  note?: string;
}

export const figures: Figure[] = [];
export const MiB = 1024 * 1024;

export function record(name: string, value: string, note?: string): void {
  figures.push(note ? { name, value, note } : { name, value });
}

export function workDir(): string {
  return mkdtempSync(join(tmpdir(), 'tongban-bench-'));
}

export function bootCore(dataDir: string, sync?: SyncOptions): Promise<HallCore> {
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
  });
}

export function printFigures(): void {
  const width = Math.max(...figures.map((f) => f.name.length));
  console.log('\nTongban Desk benchmarks\n');
  for (const figure of figures) {
    console.log(`${figure.name.padEnd(width)}  ${figure.value}${figure.note ? `  (${figure.note})` : ''}`);
  }
  console.log(`\npeak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
