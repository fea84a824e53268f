import type { HealthEntry } from '../../src-main/api/contract/index.ts';
import { t, tryT } from '../../src-main/common/i18n/index.ts';

/** The Chinese name of a health entry; an id the catalog does not know is shown as is. */
export function healthLabel(entry: HealthEntry): string {
  return tryT(`health.labels.${entry.id}`) ?? entry.id;
}

export function healthStateLabel(entry: HealthEntry): string {
  return t(`health.states.${entry.state}`);
}

/** Why the entry is not ready, in Chinese when the catalog knows the reason. */
export function healthReason(entry: HealthEntry): string | undefined {
  if (!entry.reason) return undefined;
  return tryT(`health.reasons.${entry.reason}`) ?? entry.detail ?? entry.reason;
}
