// The board of what is working: store, devices and sync each report their state
// here, and every change is pushed to the UI's status bar as `health.changed`. Each
// entry's last few errors are kept beside it for the installers' health page — in
// memory only: a restart starts with none.
import { type DiagnosticsHealth, type HealthIncident, isIncident, RECENT_ERRORS } from '../common/diagnostics.ts';
import type { HealthEntry, HealthReporter, HealthSnapshot } from '../common/health.ts';
import type { Clock } from './platform.ts';

export class HealthBoard implements HealthReporter {
  private readonly entries = new Map<string, HealthEntry>();
  private readonly listeners = new Set<(snapshot: HealthSnapshot) => void>();
  /** Per entry, newest first, at most RECENT_ERRORS. */
  private readonly incidents = new Map<string, HealthIncident[]>();

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
    const since = this.clock.now();
    this.entries.set(entry.id, { ...entry, since });
    // An entry's first report is where it starts (a device "connecting", a store found
    // broken at start), shown as its state; what goes wrong after that is remembered.
    if (previous && isIncident(entry)) this.remember(entry.id, { ...incidentOf(entry), at: since });
    const snapshot = this.snapshot();
    for (const listener of this.listeners) listener(snapshot);
  }

  snapshot(): HealthSnapshot {
    return { entries: [...this.entries.values()] };
  }

  /** Every entry with its recent errors (the health page). */
  diagnostics(): DiagnosticsHealth {
    return {
      entries: [...this.entries.values()].map((entry) => ({ ...entry, recent: this.incidents.get(entry.id) ?? [] })),
    };
  }

  subscribe(listener: (snapshot: HealthSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private remember(id: string, incident: HealthIncident): void {
    const ring = this.incidents.get(id) ?? [];
    ring.unshift(incident);
    ring.length = Math.min(ring.length, RECENT_ERRORS);
    this.incidents.set(id, ring);
  }
}

function incidentOf(entry: Omit<HealthEntry, 'since'>): Omit<HealthIncident, 'at'> {
  const incident: Omit<HealthIncident, 'at'> = { state: entry.state };
  if (entry.reason !== undefined) incident.reason = entry.reason;
  if (entry.detail !== undefined) incident.detail = entry.detail;
  return incident;
}
