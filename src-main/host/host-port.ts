// The browser host listens on the same port as last time when it is free. The page's
// origin (and with it the tab's sessionStorage) then outlives a restart of the host,
// so an open page reaches the new host and learns it restarted (CLOSE_STALE_TOKEN)
// instead of knocking on a closed port forever.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'host-port';

export function rememberedPort(dataDir: string): number | undefined {
  try {
    const port = Number(readFileSync(join(dataDir, FILE), 'utf8').trim());
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
  } catch {
    return undefined;
  }
}

export function rememberPort(dataDir: string, port: number): void {
  writeFileSync(join(dataDir, FILE), `${port}\n`, { mode: 0o600 });
}

/** Tries the preferred port, then any free one when it is taken. */
export async function onPreferredPort<T>(preferred: number | undefined, start: (port: number) => Promise<T>): Promise<T> {
  if (preferred === undefined) return start(0);
  try {
    return await start(preferred);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
    return start(0);
  }
}
