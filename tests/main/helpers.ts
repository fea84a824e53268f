// Real parts for tests: temporary data directories, a clock tests can move, and
// a hall core booted with the browser host's key-file provider.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach } from 'vitest';
import { type BootOptions, bootHallCore, type HallCore } from '../../src-main/core/hall-core.ts';
import { createStreamLogger } from '../../src-main/core/log.ts';
import type { Clock } from '../../src-main/core/platform.ts';
import { KeyFileProvider } from '../../src-main/host/key-file.ts';
import { BlobStore } from '../../src-main/store/blob-store.ts';
import { type Database, openDatabase } from '../../src-main/store/database.ts';
import { deriveStoreKeys } from '../../src-main/store/keys.ts';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A fresh directory, removed after the test. */
export function tempDir(prefix = 'tongban-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export class TestClock implements Clock {
  constructor(
    public wall = Date.UTC(2026, 10, 25, 1, 0, 0),
    public mono = 1000,
  ) {}
  now = (): number => this.wall;
  monotonic = (): number => this.mono;
  advance(ms: number): void {
    this.wall += ms;
    this.mono += ms;
  }
}

/** Collects log lines in memory so tests can read what was logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface TestCore {
  core: HallCore;
  dataDir: string;
  clock: TestClock;
  log: LogCapture;
}

/** Boots a real hall core in a temp data dir; closed after the test. */
export async function bootTestCore(
  options: {
    dataDir?: string;
    clock?: TestClock;
    documents?: BootOptions['documents'];
    devices?: BootOptions['devices'];
    onRestartRequested?: BootOptions['onRestartRequested'];
  } = {},
): Promise<TestCore> {
  const dataDir = options.dataDir ?? tempDir();
  const clock = options.clock ?? new TestClock();
  const log = new LogCapture();
  const core = await bootHallCore({
    dataDir,
    clock,
    logger: createStreamLogger(log, 'debug'),
    platform: { host: 'browser', keys: new KeyFileProvider(join(dataDir, 'keys')) },
    ...(options.documents ? { documents: options.documents } : {}),
    ...(options.devices ? { devices: options.devices } : {}),
    ...(options.onRestartRequested ? { onRestartRequested: options.onRestartRequested } : {}),
  });
  let closed = false;
  const close = core.close.bind(core);
  core.close = async () => {
    if (closed) return;
    closed = true;
    await close();
  };
  cleanups.push(() => core.close());
  return { core, dataDir, clock, log };
}

/**
 * A second view of a core's store (opened with the key file the test core uses), to
 * read what the core wrote: its database connection and its blob files. Closed after the test.
 */
export function openCoreStore(dataDir: string): { db: Database; blobs: BlobStore } {
  const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const db = openDatabase({ file: join(dataDir, 'db', 'tongban.db'), key: keys.databaseKey, backupDir: tempDir() });
  cleanups.push(() => {
    db.close();
  });
  return { db, blobs: new BlobStore(join(dataDir, 'blobs'), keys.blobKey) };
}
