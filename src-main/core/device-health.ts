// One device's entry on the health board, as the registry's slots report it: the state
// with its reason (an i18n key under health.reasons) and an English detail for installers.
import type { HealthEntry, HealthReporter } from '../common/health.ts';

export type DeviceHealth = Pick<HealthEntry, 'state' | 'reason' | 'detail'>;

export class DeviceHealthEntry {
  private last: string | undefined;

  constructor(
    private readonly board: HealthReporter,
    private readonly id: string,
  ) {}

  /** Reports to the board; answers whether the state or reason changed (worth a log line). */
  report(health: DeviceHealth): boolean {
    const key = `${health.state}:${health.reason ?? ''}`;
    const changed = key !== this.last;
    this.last = key;
    const entry: Omit<HealthEntry, 'since'> = { id: this.id, kind: 'device', state: health.state };
    if (health.reason !== undefined) entry.reason = health.reason;
    if (health.detail !== undefined) entry.detail = health.detail;
    this.board.report(entry);
    return changed;
  }
}
