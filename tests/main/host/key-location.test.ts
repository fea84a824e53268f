// Keys and files at rest in the browser host: the master key can live outside the data
// directory (--key-file), the host says so at every start when it does not, and the data
// directory is owner-only even when it existed before the app.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../../src-main/core/data-dir.ts';
import { tempDir } from '../helpers.ts';
import { startApp } from '../sync/process-harness.ts';

const WARNING = 'warning: the master key';
const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('keys and files at rest', () => {
  it('makes the data directory and its folders owner-only, also when they existed already', () => {
    const root = tempDir();
    mkdirSync(join(root, 'blobs'), { mode: 0o755 });
    mkdirSync(join(root, 'keys'), { mode: 0o755 });
    const paths = prepareDataDir(root);
    for (const dir of [paths.root, paths.blobs, paths.keys, paths.logs, paths.backups]) expect(mode(dir), dir).toBe(0o700);
  });

  it('keeps the master key where --key-file says, and warns at every start when it lies in the data directory', async () => {
    const dataDir = tempDir();
    const keyFile = join(tempDir(), 'secret', 'master.key');

    const outside = await startApp(dataDir, 20_000, ['--key-file', keyFile]);
    await outside.stop();
    expect(existsSync(keyFile)).toBe(true);
    expect(mode(keyFile)).toBe(0o600);
    expect(existsSync(join(dataDir, 'keys', 'master.key'))).toBe(false);
    expect(outside.output()).not.toContain(WARNING);

    // The same data with the same key starts again; the data directory alone has no key.
    const again = await startApp(dataDir, 20_000, ['--key-file', keyFile]);
    await again.stop();
    expect(again.output()).not.toContain('start-up failed');

    const inside = await startApp(tempDir());
    await inside.stop();
    expect(inside.output()).toContain(WARNING);
  });
});
