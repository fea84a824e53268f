// One data directory holds everything the app keeps: database, blobs, keys, logs,
// backups and the config. Electron passes its userData path; the browser host
// takes --data-dir or the platform default.
import { chmodSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export interface DataPaths {
  root: string;
  database: string;
  blobs: string;
  keys: string;
  logs: string;
  backups: string;
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tongban Desk');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Tongban Desk');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'tongban-desk');
}

/** Creates the directory tree (owner-only) and names its parts. */
export function prepareDataDir(root: string): DataPaths {
  const paths: DataPaths = {
    root: resolve(root),
    database: join(resolve(root), 'db', 'tongban.db'),
    blobs: join(resolve(root), 'blobs'),
    keys: join(resolve(root), 'keys'),
    logs: join(resolve(root), 'logs'),
    backups: join(resolve(root), 'backups'),
  };
  for (const dir of [paths.root, join(paths.root, 'db'), paths.blobs, paths.keys, paths.logs, paths.backups]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode applies only to what it creates: a folder that existed keeps its mode otherwise.
    if (process.platform !== 'win32') chmodSync(dir, 0o700);
  }
  return paths;
}
