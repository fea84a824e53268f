// Where the app itself lives (not its data): found by walking up from this file to
// our package.json, so it works from src (tests, tsx), dist and a packaged asar.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageInfo {
  root: string;
  version: string;
}

let cached: PackageInfo | undefined;

function packageInfo(): PackageInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tongban-desk') return (cached = { root: dir, version: pkg.version ?? '0.0.0' });
    } catch {
      // no package.json here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the tongban-desk package.json above ' + dir);
    dir = parent;
  }
}

export const appVersion = (): string => packageInfo().version;
export const appRoot = (): string => packageInfo().root;
/**
 * Data shipped with the app (catalog, calendar, fonts): `assets/` in the source
 * tree, `resources/assets` in a packaged Electron app (electron-builder extraResources).
 */
export const assetsDir = (): string => {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  return packaged && !packaged.includes('node_modules') ? join(packaged, 'assets') : join(appRoot(), 'assets');
};

/** The built renderer (vite output). */
export const rendererDir = (): string => join(appRoot(), 'dist', 'renderer');
