// Sync's own settings that outlive a restart (sync_settings): whether sending is paused,
// the embedded department's last port.
import type { Database } from '../store/database.ts';

export type SyncSetting = 'paused' | 'embedded.port';

export class SyncSettings {
  constructor(private readonly db: Database) {}

  get(key: SyncSetting): string | undefined {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM sync_settings WHERE key = ?').get(key)?.value;
  }

  set(key: SyncSetting, value: string): void {
    this.db
      .prepare('INSERT INTO sync_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }
}
