import type { HealthEntry } from '../../src-main/api/contract/index.ts';
import { t, tryT } from '../../src-main/common/i18n/index.ts';

/** The Chinese name of a health entry; an id the catalog does not know is shown as is. */
export function healthLabel(entry: HealthEntry): string {
  return tryT(`health.labels.${entry.id}`) ?? entry.id;
}

export function healthStateLabel(entry: Pick<HealthEntry, 'state'>): string {
  return t(`health.states.${entry.state}`);
}

/** Why the entry is not ready, in Chinese when the catalog knows the reason. */
export function healthReason(entry: HealthEntry): string | undefined {
  if (!entry.reason) return undefined;
  return tryT(`health.reasons.${entry.reason}`) ?? entry.detail ?? entry.reason;
}

/** What to do about a reason, in Chinese; undefined when the catalog has no remedy for it. */
export function healthRemedy(reason: string | undefined): string | undefined {
  return reason ? tryT(`health.remedies.${reason}`) : undefined;
}

/** A reason in Chinese where the catalog knows it, else the English detail or the key. */
export function reasonText(reason: string | undefined, detail?: string): string {
  if (!reason) return '';
  return tryT(`health.reasons.${reason}`) ?? detail ?? reason;
}

const URGENCY: Record<HealthEntry['state'], number> = { error: 0, absent: 1, paused: 2, busy: 3, ready: 4 };

/** What needs the installer first: broken, then gone, paused, working, ready; the board's order within each. */
export function byUrgency<E extends Pick<HealthEntry, 'state'>>(entries: readonly E[]): E[] {
  return [...entries].sort((a, b) => URGENCY[a.state] - URGENCY[b.state]);
}
