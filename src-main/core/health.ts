// The board of what is working: store, devices and sync each report their state
// here, and every change is pushed to the UI's status bar as `health.changed`.
import type { HealthEntry, HealthReporter, HealthSnapshot } from '../common/health.ts';
import type { Clock } from './platform.ts';

export class HealthBoard implements HealthReporter {
  private readonly entries = new Map<string, HealthEntry>();
  private readonly listeners = new Set<(snapshot: HealthSnapshot) => void>();

  constructor(private readonly clock: Clock) {}

  report(entry: Omit<HealthEntry, 'since'>): void {
    const previous = this.entries.get(entry.id);
    const unchanged =
      previous &&
      previous.state === entry.state &&
      previous.reason === entry.reason &&
      previous.detail === entry.detail &&
      previous.kind === entry.kind;
    if (unchanged) return;
    this.entries.set(entry.id, { ...entry, since: this.clock.now() });
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }

  snapshot(): HealthSnapshot {
    return { entries: [...this.entries.values()] };
  }

  subscribe(listener: (snapshot: HealthSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
