// The check of the running window (the setup wizard's last step, `setup.check`): the
// doctor's own checks (installer/doctor.ts, the same lines as `tongban doctor`), with the
// core's open database and, for the devices, what the health board knows — the core holds
// the ports, so they are not opened a second time. The cameras belong to the page (the
// browser or Electron window), not to the core: the wizard previews them, this says so.
import type { CheckLine, CheckReport } from '../common/doctor.ts';
import type { HealthEntry, HealthSnapshot } from '../common/health.ts';
import { t, tryT } from '../common/i18n/index.ts';
import type { KeyProvider } from '../core/platform.ts';
import type { Database } from '../store/database.ts';
import { type DeviceSlot, runDoctor } from './doctor.ts';

export interface RunningWindowDeps {
  dataDir: string;
  keys: KeyProvider;
  db: Database;
  health: () => HealthSnapshot;
  now: () => number;
}

export function checkRunningWindow(deps: RunningWindowDeps): Promise<CheckReport> {
  return runDoctor({
    dataDir: deps.dataDir,
    keys: deps.keys,
    db: deps.db,
    // The check holds the core's one connection meanwhile: the quick one.
    integrity: 'quick',
    devices: (slot) => deviceLine(slot, deps.health().entries),
    now: deps.now,
  });
}

function reasonText(entry: HealthEntry): string {
  return (entry.reason && tryT(`health.reasons.${entry.reason}`)) || entry.reason || entry.state;
}

/** A device as the board has it: ready is ok, anything else says why; cameras are the page's. */
export function deviceLine(slot: DeviceSlot, entries: readonly HealthEntry[]): CheckLine {
  const id = `device.${slot}`;
  const label = tryT(`doctor.devices.${slot}`) ?? tryT(`health.labels.${id}`) ?? id;
  if (slot === 'documentCamera' || slot === 'counterCamera') {
    return { id, state: 'skipped', label, message: t('setupChecks.cameraInPage') };
  }
  const entry = entries.find((candidate) => candidate.id === id);
  if (!entry) return { id, state: 'warn', label, message: t('setupChecks.deviceUnknown') };
  const base = { id, label, ...(entry.detail ? { detail: entry.detail } : {}) };
  switch (entry.state) {
    case 'ready':
      return entry.reason === 'paperNearEnd'
        ? { ...base, state: 'warn', message: reasonText(entry) }
        : { ...base, state: 'ok', message: t('setupChecks.deviceOk') };
    case 'busy':
      return { ...base, state: 'ok', message: t('setupChecks.deviceBusy', { reason: reasonText(entry) }) };
    default:
      return { ...base, state: 'fail', message: t('setupChecks.deviceFault', { reason: reasonText(entry) }) };
  }
}
