// The check of the running window (the setup wizard's last step, `setup.check`): what the
// core already knows — its store on the health board, its key, the disk under its data
// directory, each device as the board has it (not probed again) — and each department
// endpoint checked live. The terminal's doctor (installer/doctor.ts) checks the same
// things from outside a running core; this is the in-core subset, in the same lines.
import { statfs } from 'node:fs/promises';
import type { CheckLine, CheckReport } from '../common/doctor.ts';
import { reportOf } from '../common/doctor.ts';
import type { HallConfig } from '../common/hall-config.ts';
import type { HealthEntry, HealthSnapshot } from '../common/health.ts';
import { t, tryT } from '../common/i18n/index.ts';
import type { SignatureScheme } from '../common/sync-protocol.ts';
import { checkDepartmentEndpoint } from './endpoint-check.ts';

/** Below this the window cannot keep a day's scans and video. */
export const DISK_FAIL_BYTES = 1024 ** 3;
/** Below this an installer should plan for more room. */
export const DISK_WARN_BYTES = 10 * 1024 ** 3;

export interface RunningWindowDeps {
  config: HallConfig;
  dataDir: string;
  health: () => HealthSnapshot;
  /** Whether the master key is there (the platform's key provider). */
  keyPresent: () => boolean;
  /** The stored token of a department of the config, if any. */
  tokenOf: (departmentId: string) => string | undefined;
  /** The window's key id for a scheme. */
  keyIdOf: (scheme: SignatureScheme) => string;
  now: () => number;
  /** Free bytes under a directory (tests give a full disk). */
  freeBytes?: (dir: string) => Promise<number>;
}

export async function checkRunningWindow(deps: RunningWindowDeps): Promise<CheckReport> {
  const entries = deps.health().entries;
  const lines: CheckLine[] = [databaseLine(entries.find((e) => e.id === 'store')), keyLine(deps.keyPresent())];
  lines.push(await diskLine(deps));
  for (const entry of entries.filter((e) => e.kind === 'device')) lines.push(deviceLine(entry));
  const departments = await Promise.all(
    deps.config.departments.map((department) =>
      checkDepartmentEndpoint({
        departmentId: department.id,
        name: department.name,
        endpoint: department.endpoint,
        token: deps.tokenOf(department.id),
        expected: {
          windowId: deps.config.window.id,
          scheme: department.signature,
          keyId: deps.keyIdOf(department.signature),
        },
      }),
    ),
  );
  lines.push(...departments.flat());
  return reportOf(lines, deps.now());
}

function reasonText(entry: HealthEntry): string {
  return (entry.reason && tryT(`health.reasons.${entry.reason}`)) || entry.reason || entry.state;
}

function databaseLine(store: HealthEntry | undefined): CheckLine {
  const label = t('setupChecks.labels.database');
  if (store && store.state === 'ready')
    return { id: 'database', state: 'ok', label, message: t('setupChecks.databaseOk') };
  return {
    id: 'database',
    state: 'fail',
    label,
    message: t('setupChecks.databaseFault', { reason: store ? reasonText(store) : '—' }),
    ...(store?.detail ? { detail: store.detail } : {}),
  };
}

function keyLine(present: boolean): CheckLine {
  const label = t('setupChecks.labels.key');
  return present
    ? { id: 'key', state: 'ok', label, message: t('setupChecks.keyOk') }
    : { id: 'key', state: 'fail', label, message: t('setupChecks.keyMissing') };
}

async function diskLine(deps: RunningWindowDeps): Promise<CheckLine> {
  const label = t('setupChecks.labels.disk');
  let free: number;
  try {
    free = await (deps.freeBytes ?? systemFreeBytes)(deps.dataDir);
  } catch (error) {
    return {
      id: 'disk',
      state: 'warn',
      label,
      message: t('setupChecks.diskUnknown'),
      detail: (error as Error).message,
    };
  }
  const shown = `${(free / 1024 ** 3).toFixed(1)} GiB`;
  const detail = `${free} bytes free under ${deps.dataDir}`;
  if (free < DISK_FAIL_BYTES)
    return { id: 'disk', state: 'fail', label, message: t('setupChecks.diskFull', { free: shown }), detail };
  if (free < DISK_WARN_BYTES)
    return { id: 'disk', state: 'warn', label, message: t('setupChecks.diskLow', { free: shown }), detail };
  return { id: 'disk', state: 'ok', label, message: t('setupChecks.diskOk', { free: shown }), detail };
}

async function systemFreeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}

/** A device as the board has it: ready is ok, not configured is skipped, anything else says why. */
function deviceLine(entry: HealthEntry): CheckLine {
  const label = tryT(`setupChecks.labels.${entry.id}`) ?? tryT(`health.labels.${entry.id}`) ?? entry.id;
  const base = { id: entry.id, label, ...(entry.detail ? { detail: entry.detail } : {}) };
  if (entry.reason === 'notConfigured')
    return { ...base, state: 'skipped', message: t('setupChecks.deviceNotConfigured') };
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
