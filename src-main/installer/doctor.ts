// The doctor: every check of a window's installation from its data directory, without the
// UI and without a running core — data directory, config, master key, database integrity,
// blob files, free disk, clock, each configured device, each department endpoint. Nothing
// here writes: the database is opened read-only (never migrated), devices are asked their
// status, never to print. Lines carry counts and states, never personal data.
//
// The terminal (`tongban doctor`) and the packaged app's `--doctor` run it with devices
// probed; the running app (the setup wizard's last step) passes its open database and its
// own device health instead, since it holds the ports.
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { type CheckLine, type CheckReport, reportOf } from '../common/doctor.ts';
import { Catalog } from '../common/catalog.ts';
import { isAppError } from '../common/errors.ts';
import { formatByteSize } from '../common/byte-size.ts';
import type { DeviceConfig, HallConfig, IdCardReaderConfig, ReceiptPrinterConfig } from '../common/hall-config.ts';
import { errorMessage, t } from '../common/i18n/index.ts';
import type { SignatureScheme } from '../common/sync-protocol.ts';
import { loadConfig } from '../core/config.ts';
import type { KeyProvider } from '../core/platform.ts';
import { IdCardReader } from '../devices/idcard/driver.ts';
import { ReceiptPrinter } from '../devices/printer/driver.ts';
import { stopReason, stoppedError } from '../devices/printer/status.ts';
import { openSerialTransport } from '../devices/serial-transport.ts';
import { openTcpTransport } from '../devices/tcp-transport.ts';
import type { ByteTransport } from '../devices/transport.ts';
import { openDeviceFileTransport } from '../devices/usb-file-transport.ts';
import type { Database } from '../store/database.ts';
import { BlobStore } from '../store/blob-store.ts';
import { deriveStoreKeys } from '../store/keys.ts';
import { migrations } from '../store/migrations/index.ts';
import { isWrongKey, keySqlite } from '../store/sqlite-cipher.ts';
import { deriveSyncKey, SecretBox } from '../sync/secrets.ts';
import { checkDepartmentEndpoint } from './endpoint-check.ts';

export type DeviceSlot = 'idCardReader' | 'receiptPrinter' | 'documentCamera' | 'counterCamera';
export const DEVICE_SLOTS: readonly DeviceSlot[] = [
  'idCardReader',
  'receiptPrinter',
  'documentCamera',
  'counterCamera',
];

/** A slot's device as configured (the reader and printer have their own shapes). */
export type SlotDevice = IdCardReaderConfig | ReceiptPrinterConfig | DeviceConfig;

/** Free disk thresholds (bytes, and a share of the disk for the warning). */
export interface DiskThresholds {
  failBytes: number;
  warnBytes: number;
  warnRatio: number;
}

export const DISK_DEFAULTS: DiskThresholds = { failBytes: 2 ** 30, warnBytes: 5 * 2 ** 30, warnRatio: 0.05 };

export interface DoctorOptions {
  dataDir: string;
  /** The master key's keeper: the key file (terminal, browser host) or Electron's safeStorage. */
  keys: KeyProvider;
  /**
   * `probe` (default): open each configured device and ask its status — only when nothing
   * else holds the ports. A function: the line for a slot from whoever holds it (the running
   * app's device health); it is called for every slot not `none` or `simulated`.
   */
  devices?: 'probe' | ((slot: DeviceSlot, device: SlotDevice) => CheckLine | Promise<CheckLine>);
  /** The running app's open database: checked as it is, never closed here. */
  db?: Database;
  /**
   * `full` (default): PRAGMA integrity_check; `quick`: quick_check, which skips the index
   * cross-checks — for the running app, whose one connection the check holds meanwhile.
   */
  integrity?: 'full' | 'quick';
  disk?: Partial<DiskThresholds>;
  /** Time box of each device and endpoint check. */
  timeoutMs?: number;
  /** Where video devices are listed (Linux); tests point it elsewhere. */
  videoDir?: string;
  platform?: NodeJS.Platform;
  now?: () => number;
}

/** What the database check found that later checks need. */
interface Opened {
  db: Database | undefined;
  masterKey: Buffer | undefined;
}

export async function runDoctor(options: DoctorOptions): Promise<CheckReport> {
  const now = options.now ?? Date.now;
  const dataDir = resolve(options.dataDir);
  const lines: CheckLine[] = [];

  const dir = checkDataDir(dataDir, options.platform ?? process.platform);
  lines.push(dir);
  const { line: configLine, config } = checkConfig(dataDir, existsSync(dataDir));
  lines.push(configLine);
  const { line: keyLine, masterKey } = checkKey(dataDir, options.keys);
  lines.push(keyLine);

  const opened: Opened = { db: options.db, masterKey };
  let ownDb: Database | undefined;
  const integrity = options.integrity ?? 'full';
  if (options.db) {
    lines.push(databaseLine(options.db, integrity));
  } else {
    const result = openReadOnly(dataDir, masterKey, integrity);
    lines.push(result.line);
    ownDb = result.db;
    opened.db = result.db;
  }
  try {
    lines.push(checkBlobs(dataDir, opened.db, masterKey));
    lines.push(await checkDisk(dataDir, { ...DISK_DEFAULTS, ...options.disk }));
    lines.push(checkClock(now()));
    if (config) {
      lines.push(...(await checkDevices(config, options)));
      lines.push(...(await checkDepartments(config, opened, options.timeoutMs ?? 5000, now)));
      const routing = checkRouting(config, opened.db);
      if (routing) lines.push(routing);
    }
  } finally {
    ownDb?.close();
  }
  return reportOf(lines, now());
}

// ── data directory, config, key ──

function checkDataDir(dataDir: string, platform: NodeJS.Platform): CheckLine {
  const line = (state: CheckLine['state'], key: 'ok' | 'missing' | 'notWritable' | 'openToOthers', detail?: string) =>
    ({
      id: 'dataDir',
      state,
      label: t('doctor.dataDir.label'),
      message: t(`doctor.dataDir.${key}`),
      detail: detail ?? dataDir,
    }) satisfies CheckLine;
  let mode: number;
  try {
    const stat = statSync(dataDir);
    if (!stat.isDirectory()) return line('fail', 'missing', `${dataDir} is not a directory`);
    mode = stat.mode;
  } catch (error) {
    return line('fail', 'missing', `${dataDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    accessSync(dataDir, constants.W_OK);
  } catch (error) {
    return line('fail', 'notWritable', `${dataDir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (platform !== 'win32' && (mode & 0o077) !== 0) {
    return line('warn', 'openToOthers', `${dataDir} mode ${(mode & 0o777).toString(8)}`);
  }
  return line('ok', 'ok');
}

function checkConfig(dataDir: string, dirExists: boolean): { line: CheckLine; config: HallConfig | undefined } {
  const base = { id: 'config', label: t('doctor.config.label') };
  if (!dirExists)
    return { line: { ...base, state: 'skipped', message: t('doctor.dataDir.missing') }, config: undefined };
  try {
    const config = loadConfig(dataDir);
    if (config.profile === 'demo') {
      return { line: { ...base, state: 'warn', message: t('doctor.config.demo') }, config };
    }
    const message = t('doctor.config.ok', {
      hall: config.hall.name,
      window: config.window.name,
      departments: config.departments.length,
    });
    return { line: { ...base, state: 'ok', message, detail: `window ${config.window.id}` }, config };
  } catch (error) {
    const invalid = isAppError(error) && error.code === 'config.invalid';
    const detail = isAppError(error) ? error.detail : String(error);
    return {
      line: {
        ...base,
        state: 'fail',
        message: t(invalid ? 'doctor.config.invalid' : 'doctor.config.unreadable'),
        detail,
      },
      config: undefined,
    };
  }
}

function databaseFile(dataDir: string): string {
  return join(dataDir, 'db', 'tongban.db');
}

function hasDatabase(dataDir: string): boolean {
  const file = databaseFile(dataDir);
  return existsSync(file) && statSync(file).size > 0;
}

function checkKey(dataDir: string, keys: KeyProvider): { line: CheckLine; masterKey: Buffer | undefined } {
  const base = { id: 'key', label: t('doctor.key.label') };
  try {
    const masterKey = keys.load() ?? undefined;
    if (masterKey) {
      return { line: { ...base, state: 'ok', message: t('doctor.key.ok', { where: keys.description }) }, masterKey };
    }
    // The desktop app's key, sealed by the OS keyring: a provider that found nothing is not that one.
    if (existsSync(join(dataDir, 'keys', 'master.key.safe'))) {
      return {
        line: { ...base, state: 'fail', message: t('doctor.key.desktopKey'), detail: `no key in ${keys.description}` },
        masterKey,
      };
    }
    if (hasDatabase(dataDir)) {
      return {
        line: { ...base, state: 'fail', message: t('doctor.key.missing'), detail: `no key in ${keys.description}` },
        masterKey,
      };
    }
    return { line: { ...base, state: 'warn', message: t('doctor.key.notYet'), detail: keys.description }, masterKey };
  } catch (error) {
    const detail = isAppError(error) ? error.detail : String(error);
    return {
      line: { ...base, state: 'fail', message: t('doctor.key.unreadable'), detail },
      masterKey: undefined,
    };
  }
}

// ── database and blobs ──

/**
 * Opens the database read-only with the derived key: never migrated, never written. (SQLite
 * makes the empty -wal and -shm files a reader of a WAL database needs, when absent.)
 */
function openReadOnly(
  dataDir: string,
  masterKey: Buffer | undefined,
  integrity: 'full' | 'quick',
): { line: CheckLine; db: Database | undefined } {
  const base = { id: 'database', label: t('doctor.database.label') };
  const file = databaseFile(dataDir);
  if (!hasDatabase(dataDir)) {
    return { line: { ...base, state: 'warn', message: t('doctor.database.notYet'), detail: file }, db: undefined };
  }
  if (!masterKey) return { line: { ...base, state: 'skipped', message: t('doctor.database.noKey') }, db: undefined };
  let db: Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    const detail = `cannot open ${file}: ${(error as Error).message}`;
    return {
      line: { ...base, state: 'fail', message: t('doctor.database.cannotOpen', { message: detail }), detail },
      db: undefined,
    };
  }
  try {
    keySqlite(db, deriveStoreKeys(masterKey).databaseKey);
  } catch (error) {
    db.close();
    const detail = `${(error as { code?: string }).code ?? 'ERROR'}: ${(error as Error).message}`;
    const code = (error as { code?: string }).code ?? '';
    // An encrypted page that does not decrypt reads as "not a database" on page 1 (a wrong
    // key, or page 1 damaged) and as "corrupt" on the schema's later pages.
    const message = code.startsWith('SQLITE_CORRUPT')
      ? t('doctor.database.corrupt')
      : isWrongKey(error)
        ? t('doctor.database.wrongKey')
        : t('doctor.database.cannotOpen', { message: detail });
    return {
      line: {
        ...base,
        state: 'fail',
        message,
        detail,
      },
      db: undefined,
    };
  }
  const line = databaseLine(db, integrity);
  if (line.state === 'fail') {
    db.close();
    return { line, db: undefined };
  }
  return { line, db };
}

/** Integrity and schema version of an open database, with counts of what it holds. */
function databaseLine(db: Database, integrity: 'full' | 'quick'): CheckLine {
  const base = { id: 'database', label: t('doctor.database.label') };
  try {
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > migrations.length) {
      return {
        ...base,
        state: 'fail',
        message: t('doctor.database.newer'),
        detail: `schema version ${version}, this app supports ${migrations.length}`,
      };
    }
    // At most ten problems: enough to tell damage, never a scan of every page's complaint.
    const pragma = integrity === 'full' ? 'integrity_check' : 'quick_check';
    const problems = (db.pragma(`${pragma}(10)`) as Array<Record<string, string>>)
      .flatMap((row) => String(Object.values(row)[0]).split('\n'))
      .filter((text) => text.trim() !== '' && !text.startsWith('***'));
    if (problems.length !== 1 || problems[0] !== 'ok') {
      // SQLite's own words name pages and trees, never row contents.
      return { ...base, state: 'fail', message: t('doctor.database.corrupt'), detail: problems.slice(0, 5).join('; ') };
    }
    if (version < migrations.length) {
      return {
        ...base,
        state: 'warn',
        message: t('doctor.database.older'),
        detail: `schema version ${version}, this app has ${migrations.length}`,
      };
    }
    const count = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);
    return {
      ...base,
      state: 'ok',
      message: t('doctor.database.ok', {
        packets: count('SELECT count(*) AS n FROM packets'),
        waiting: count(`SELECT count(*) AS n FROM outbox_packets WHERE step != 'done'`),
        blocked: count(`SELECT count(*) AS n FROM outbox_packets WHERE step != 'done' AND blocked = 1`),
        drafts: count('SELECT count(*) AS n FROM drafts'),
      }),
      detail: `${pragma} ok, schema version ${version}`,
    };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERROR';
    const corrupt = code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB');
    return {
      ...base,
      state: 'fail',
      message: corrupt
        ? t('doctor.database.corrupt')
        : t('doctor.database.cannotOpen', { message: (error as Error).message }),
      detail: `${code}: ${(error as Error).message}`,
    };
  }
}

/** Every blob the database lists has its file (sizes and contents are the core's start-up check). */
function checkBlobs(dataDir: string, db: Database | undefined, masterKey: Buffer | undefined): CheckLine {
  const base = { id: 'blobs', label: t('doctor.blobs.label') };
  const dir = join(dataDir, 'blobs');
  if (!existsSync(dir)) return { ...base, state: 'warn', message: t('doctor.blobs.notYet'), detail: dir };
  if (!db || !masterKey) {
    return { ...base, state: 'skipped', message: t('doctor.database.noKey'), detail: dir };
  }
  // The directory exists, so the store's constructor creates nothing.
  const blobs = new BlobStore(dir, deriveStoreKeys(masterKey).blobKey);
  const stored = new Set(blobs.listFileNames());
  const quarantined = [...blobs.listQuarantinedFileNames()].length;
  let rows = 0;
  let missing = 0;
  try {
    for (const row of db.prepare('SELECT sha256 FROM blobs').iterate() as Iterable<{ sha256: string }>) {
      rows += 1;
      // Files of older versions are named by their id until the core renames them.
      const present =
        stored.has(blobs.fileNameOf(row.sha256)) || existsSync(join(dir, row.sha256.slice(0, 2), row.sha256));
      if (!present) missing += 1;
    }
  } catch (error) {
    return { ...base, state: 'skipped', message: t('doctor.database.noKey'), detail: String(error) };
  }
  const detail = `${rows} blobs listed, ${stored.size} files stored, ${missing} missing, ${quarantined} in quarantine`;
  if (missing > 0) {
    return { ...base, state: 'fail', message: t('doctor.blobs.missing', { missing, rows }), detail };
  }
  return { ...base, state: 'ok', message: t('doctor.blobs.ok', { count: rows }), detail };
}

// ── disk and clock ──

async function checkDisk(dataDir: string, limits: DiskThresholds): Promise<CheckLine> {
  const base = { id: 'disk', label: t('doctor.disk.label') };
  let free: number;
  let total: number;
  try {
    const stats = await statfs(dataDir);
    free = stats.bavail * stats.bsize;
    total = stats.blocks * stats.bsize;
  } catch (error) {
    return { ...base, state: 'fail', message: t('doctor.disk.unknown'), detail: String(error) };
  }
  const percent = total > 0 ? Math.round((free / total) * 1000) / 10 : 0;
  const params = { free: formatByteSize(free), percent };
  const detail = `${free} bytes free of ${total} (fail under ${limits.failBytes}, warn under ${limits.warnBytes} or ${limits.warnRatio * 100} %)`;
  if (free < limits.failBytes) return { ...base, state: 'fail', message: t('doctor.disk.full', params), detail };
  if (free < limits.warnBytes || free < total * limits.warnRatio) {
    return { ...base, state: 'warn', message: t('doctor.disk.low', params), detail };
  }
  return { ...base, state: 'ok', message: t('doctor.disk.ok', params), detail };
}

/** A year this app cannot have been installed in means a PC clock that was never set (a flat CMOS battery). */
function checkClock(now: number): CheckLine {
  const base = { id: 'clock', label: t('doctor.clock.label') };
  const time = new Date(now).toISOString();
  const year = new Date(now).getUTCFullYear();
  if (year < 2025 || year > 2100) {
    return { ...base, state: 'fail', message: t('doctor.clock.wrong', { time }), detail: `year ${year}` };
  }
  return { ...base, state: 'ok', message: t('doctor.clock.ok', { time }) };
}

/**
 * The catalog routes each item to a department by its id (the departments issue it):
 * an id the config does not name leaves those items' packets with nowhere to go.
 */
function checkRouting(config: HallConfig, db: Database | undefined): CheckLine | undefined {
  if (!db) return undefined;
  const base = { id: 'routing', label: t('doctor.routing.label') };
  const row = db.prepare<[], { content: string }>('SELECT content FROM catalogs WHERE active = 1').get();
  if (!row) return { ...base, state: 'warn', message: t('doctor.routing.noCatalog') };
  const catalog = Catalog.safeParse((JSON.parse(row.content) as { catalog: unknown }).catalog);
  if (!catalog.success) return { ...base, state: 'fail', message: t('doctor.routing.unreadable') };
  const configured = new Set(config.departments.map((department) => department.id));
  const routed = new Map<string, number>();
  for (const item of catalog.data.items) {
    for (const id of new Set(item.routing.map((route) => route.departmentId)))
      routed.set(id, (routed.get(id) ?? 0) + 1);
  }
  const missing = [...routed].filter(([id]) => !configured.has(id));
  const detail = `catalog routes to ${[...routed].map(([id, items]) => `${id} (${items} items)`).join(', ')}`;
  if (missing.length === 0) return { ...base, state: 'ok', message: t('doctor.routing.ok'), detail };
  const ids = missing.map(([id]) => id).join('、');
  const state = missing.length === routed.size ? 'fail' : 'warn';
  return { ...base, state, message: t(`doctor.routing.${state === 'fail' ? 'none' : 'some'}`, { ids }), detail };
}

// ── devices ──

async function checkDevices(config: HallConfig, options: DoctorOptions): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const timeoutMs = options.timeoutMs ?? 5000;
  for (const slot of DEVICE_SLOTS) {
    const device: SlotDevice = config.devices[slot];
    const base = { id: `device.${slot}`, label: t(`doctor.devices.${slot}`) };
    if (device.transport === 'none' || device.transport === 'simulated') {
      lines.push({ ...base, state: 'skipped', message: t(`doctor.devices.${device.transport}`) });
    } else if (typeof options.devices === 'function') {
      lines.push(await options.devices(slot, device));
    } else {
      const probe = probeDevice(slot, device, { ...options, demo: config.profile === 'demo' });
      lines.push(await withinTime(probe, base, timeoutMs, 'doctor.devices.timedOut'));
    }
  }
  return lines;
}

type ProbeOptions = DoctorOptions & { demo: boolean };

function probeDevice(slot: DeviceSlot, device: SlotDevice, options: ProbeOptions): Promise<CheckLine> {
  const base = { id: `device.${slot}`, label: t(`doctor.devices.${slot}`) };
  if (slot === 'idCardReader') return probeCardReader(base, device as IdCardReaderConfig);
  if (slot === 'receiptPrinter') return probePrinter(base, device as ReceiptPrinterConfig);
  return Promise.resolve(cameraLine(base, device, options));
}

/** The reader's SAM id, as `npm run device -- idcard probe` asks it. */
async function probeCardReader(base: Base, device: IdCardReaderConfig): Promise<CheckLine> {
  try {
    if (device.transport === 'serial') {
      const { path, baudRate } = device.serial;
      const reader = new IdCardReader(await openSerialTransport(path, { baudRate, device: 'idCardReader' }));
      try {
        await reader.samStatus();
        const samId = await reader.samId();
        return {
          ...base,
          state: 'ok',
          message: t('doctor.devices.samOk', { samId }),
          detail: `${path} at ${baudRate}`,
        };
      } finally {
        await reader.close();
      }
    }
    if (device.transport === 'vendor-sdk') {
      const { VendorSdkReader } = await import('../devices/idcard/vendor-sdk.ts');
      const reader = await VendorSdkReader.open(device.vendorSdk);
      try {
        await reader.samStatus();
        return { ...base, state: 'ok', message: t('doctor.devices.sdkOk'), detail: device.vendorSdk.library };
      } finally {
        await reader.close();
      }
    }
    return { ...base, state: 'skipped', message: t('doctor.devices.notCheckable') };
  } catch (error) {
    return failedLine(base, error);
  }
}

/** The printer's DLE EOT status, as `npm run device -- printer status` reads it. */
async function probePrinter(base: Base, device: ReceiptPrinterConfig): Promise<CheckLine> {
  let transport: ByteTransport;
  let where: string;
  try {
    if (device.transport === 'tcp') {
      where = `tcp ${device.host}:${device.port}`;
      transport = await openTcpTransport(device.host, device.port);
    } else if (device.transport === 'serial') {
      where = `serial ${device.serial.path}`;
      transport = await openSerialTransport(device.serial.path, {
        baudRate: device.serial.baudRate,
        device: 'receiptPrinter',
      });
    } else if (device.transport === 'usb-device-file') {
      where = `usb ${device.path}`;
      transport = await openDeviceFileTransport(device.path);
    } else {
      return { ...base, state: 'skipped', message: t('doctor.devices.notCheckable') };
    }
  } catch (error) {
    return failedLine(base, error);
  }
  const printer = new ReceiptPrinter(transport);
  try {
    const status = await printer.status();
    const raw = status.raw.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const reason = stopReason(status);
    if (reason !== undefined) return failedLine(base, stoppedError(reason, status));
    if (status.paperNearEnd) {
      return { ...base, state: 'warn', message: t('doctor.devices.printerNearEnd'), detail: `${where}, status ${raw}` };
    }
    return { ...base, state: 'ok', message: t('doctor.devices.printerReady'), detail: `${where}, status ${raw}` };
  } catch (error) {
    return failedLine(base, error);
  } finally {
    await printer.close();
  }
}

/** Cameras are the renderer's (getUserMedia): from here only their presence on Linux can be seen. */
function cameraLine(base: Base, device: SlotDevice, options: ProbeOptions): CheckLine {
  if (device.transport !== 'uvc') return { ...base, state: 'skipped', message: t('doctor.devices.notCheckable') };
  if ((options.platform ?? process.platform) !== 'linux') {
    return { ...base, state: 'skipped', message: t('doctor.devices.cameraElsewhere') };
  }
  const dir = options.videoDir ?? '/dev';
  let found: string[];
  try {
    found = readdirSync(dir).filter((name) => /^video\d+$/.test(name));
  } catch {
    found = [];
  }
  if (found.length === 0) {
    // A demo can be shown without cameras; a configured window needs them.
    const state = options.demo ? 'warn' : 'fail';
    return { ...base, state, message: t('doctor.devices.camerasAbsent'), detail: `no video* in ${dir}` };
  }
  const devices = found.map((name) => join(dir, name)).join('、');
  return {
    ...base,
    state: 'ok',
    message: t('doctor.devices.camerasFound', { count: found.length, devices }),
    ...(device.deviceLabel ? { detail: `configured label: ${device.deviceLabel}` } : {}),
  };
}

// ── departments ──

async function checkDepartments(
  config: HallConfig,
  opened: Opened,
  timeoutMs: number,
  now: () => number,
): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const secrets = opened.db && opened.masterKey ? readSecrets(opened.db, opened.masterKey) : undefined;
  for (const department of config.departments) {
    const credential = department.credential ?? `department/${department.id}`;
    const base = {
      id: `department.${department.id}.reach`,
      label: t('checks.department.reach', { name: department.name }),
    };
    const found = await withinTime(
      checkDepartmentEndpoint({
        departmentId: department.id,
        name: department.name,
        endpoint: department.endpoint,
        token: secrets?.token(credential),
        expected: {
          windowId: config.window.id,
          scheme: department.signature,
          keyId: secrets?.keyId(department.signature) ?? '',
        },
        timeoutMs,
        now,
      }),
      base,
      timeoutMs * 2 + 1000,
      'doctor.department.timedOut',
    );
    for (const line of Array.isArray(found) ? found : [found]) {
      // Without the database the token was never read: say so rather than "not set".
      if (line.id.endsWith('.token') && !secrets) {
        lines.push({ ...line, state: 'skipped', message: t('doctor.department.noDatabase') });
      } else lines.push(line);
    }
  }
  return lines;
}

/** The window's tokens and key ids, read (never created) from the database. */
function readSecrets(db: Database, masterKey: Buffer) {
  const box = new SecretBox(deriveSyncKey(masterKey));
  return {
    token(name: string): string | undefined {
      try {
        const row = db
          .prepare<[string], { secret_sealed: Buffer }>('SELECT secret_sealed FROM sync_credentials WHERE name = ?')
          .get(name);
        return row ? box.open(row.secret_sealed, `credential/${name}`).toString('utf8') : undefined;
      } catch {
        return undefined;
      }
    },
    keyId(scheme: SignatureScheme): string | undefined {
      try {
        return db.prepare<[string], { key_id: string }>('SELECT key_id FROM sync_keys WHERE scheme = ?').get(scheme)
          ?.key_id;
      } catch {
        return undefined;
      }
    },
  };
}

// ── helpers ──

type Base = Pick<CheckLine, 'id' | 'label'>;

function failedLine(base: Base, error: unknown): CheckLine {
  const message = isAppError(error) ? errorMessage(error.code, error.params) : errorMessage('internal');
  const detail = isAppError(error) ? `${error.code}: ${error.detail}` : String(error);
  return { ...base, state: 'fail', message: t('doctor.devices.failed', { message }), detail };
}

/** The check's answer, or a failed line when it takes longer than `ms` (it is left to finish on its own). */
async function withinTime<T>(
  check: Promise<T>,
  base: Base,
  ms: number,
  key: 'doctor.devices.timedOut' | 'doctor.department.timedOut',
): Promise<T | CheckLine> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckLine>((done) => {
    timer = setTimeout(
      () =>
        done({
          ...base,
          state: 'fail',
          message: t(key, { seconds: Math.round(ms / 1000) }),
          detail: `no answer within ${ms} ms`,
        }),
      ms,
    );
  });
  try {
    return await Promise.race([check, late]);
  } finally {
    clearTimeout(timer);
  }
}
