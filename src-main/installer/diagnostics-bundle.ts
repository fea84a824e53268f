// The diagnostics bundle (诊断包) an installer hands to support: a zip of the versions,
// the config without secrets, the devices, a summary of the sync queue, the health
// board and the recent logs — and never personal data (docs/diagnostics.md).
//
// It needs only what a terminal has too: the data directory, the open database and the
// config; the live health board is added when a core runs (the CLI has none). Each part
// is made on its own: one that cannot be made (a log file unreadable, no serial ports)
// is named in missing.txt and the rest of the bundle still comes out.
//
// What keeps personal data out: queue.json holds counts, ages and error codes only (no
// packet ids, no names, no error texts); device and health details and every log line
// go through redact.ts; the config loses anything that could be a secret. Nothing is
// read from packets, drafts, event logs or blobs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import {
  type DiagnosticEntry,
  diagnosticsBundleName,
  type DiagnosticsHealth,
  type HealthIncident,
} from '../common/diagnostics.ts';
import { CONFIG_FILE, type HallConfig } from '../common/hall-config.ts';
import { appVersion } from '../core/app-paths.ts';
import type { DataPaths } from '../core/data-dir.ts';
import type { PortSummary } from '../devices/serial-transport.ts';
import type { Database } from '../store/database.ts';
import { migrations } from '../store/migrations/index.ts';
import { redactLogText, redactValue, sanitizeConfig, scrubText } from './redact.ts';

/** The most log bytes a bundle takes, newest files first (the zip is built in memory). */
export const MAX_LOG_BYTES = 32 * 1024 * 1024;

export interface DiagnosticsDeps {
  /** The data directory's parts (`prepareDataDir(dir)`): the logs are read from `paths.logs`. */
  paths: Pick<DataPaths, 'root' | 'logs'>;
  /** The open database (only read): schema version, active catalog, queue counts. */
  db: Database;
  /** The hall's config as loaded (`loadConfig(dir)`). */
  config: HallConfig;
  /** Wall clock, epoch ms: the bundle's name and the queue's ages. */
  now: () => number;
  /** Where it runs: `electron`, `browser` or `cli`. */
  host: string;
  /** The live health board with each entry's recent errors; absent when no core runs (the CLI). */
  health?: DiagnosticsHealth | undefined;
  /** The PC's serial ports; by default node-serialport's list. */
  listPorts?: (() => Promise<PortSummary[]>) | undefined;
  /** Defaults to MAX_LOG_BYTES. */
  maxLogBytes?: number | undefined;
}

export interface DiagnosticsBundle {
  name: string;
  bytes: Uint8Array;
}

const json = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const why = (error: unknown): string => scrubText(error instanceof Error ? error.message : String(error));

export async function buildDiagnosticsBundle(deps: DiagnosticsDeps): Promise<DiagnosticsBundle> {
  const at = deps.now();
  const missing: string[] = [];
  const files: Zippable = {};
  const part = (name: string, make: () => unknown): void => {
    try {
      files[name] = json(make());
    } catch (error) {
      missing.push(`${name}: ${why(error)}`);
    }
  };

  part('versions.json', () => versions(deps));
  part('config.json', () => configPart(deps));
  const ports = await serialPorts(deps.listPorts).catch((error: unknown) => {
    missing.push(`devices.json serialPorts: the serial ports could not be listed (${why(error)})`);
    return null;
  });
  part('devices.json', () => ({
    serialPorts: ports,
    configured: sanitizeConfig(deps.config.devices).config,
    health: deps.health ? healthPart(deps.health).entries.filter((entry) => entry.kind === 'device') : null,
  }));
  part('queue.json', () => queueSummary(deps.db, at));
  if (!deps.health) missing.push('health.json: no running app, so no live health board (built from the terminal)');
  part('health.json', () => (deps.health ? healthPart(deps.health) : { running: false, entries: [] }));
  addLogs(deps.paths.logs, deps.maxLogBytes ?? MAX_LOG_BYTES, files, missing);
  files['README.txt'] = text(README);
  if (missing.length > 0) files['missing.txt'] = text(missing.map((line) => `- ${line}`).join('\n') + '\n');

  const bytes = zipSync(files, { level: 6, mtime: new Date(dosTime(at)) });
  return { name: diagnosticsBundleName(deps.config.window.id, at), bytes };
}

function versions(deps: DiagnosticsDeps) {
  const schema = Number(deps.db.pragma('user_version', { simple: true }));
  const catalog = deps.db
    .prepare<[], { version: number; publisher: string; issued_at: string; item_count: number; installed_at: number }>(
      'SELECT version, publisher, issued_at, item_count, installed_at FROM catalogs WHERE active = 1',
    )
    .get();
  return {
    app: appVersion(),
    host: deps.host,
    profile: deps.config.profile,
    builtAt: new Date(deps.now()).toISOString(),
    electron: process.versions.electron ?? null,
    chrome: process.versions.chrome ?? null,
    node: process.versions.node,
    v8: process.versions.v8,
    // No host name or user name: either can name a person.
    os: { platform: process.platform, type: os.type(), release: os.release(), version: os.version(), arch: os.arch() },
    cpus: os.cpus().length,
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem(), processRssBytes: process.memoryUsage().rss },
    uptimeSeconds: Math.round(process.uptime()),
    schema: { version: schema, supported: Math.max(...migrations.map((migration) => migration.version)) },
    catalog: catalog
      ? {
          version: catalog.version,
          publisher: catalog.publisher,
          issuedAt: catalog.issued_at,
          items: catalog.item_count,
          installedAt: new Date(catalog.installed_at).toISOString(),
        }
      : null,
  };
}

function configPart(deps: DiagnosticsDeps) {
  const { config, stripped } = sanitizeConfig(deps.config);
  return {
    source: existsSync(join(deps.paths.root, CONFIG_FILE))
      ? `${CONFIG_FILE} as loaded, with defaults filled in`
      : `no ${CONFIG_FILE}: the demo profile`,
    note: 'Department tokens are kept encrypted in the database and are never in this file. Fields that could hold a secret are left out; "stripped" names them.',
    stripped,
    config,
  };
}

async function serialPorts(list: DiagnosticsDeps['listPorts']) {
  // node-serialport is a native binding: loaded only when the bundle is made.
  const ports = await (list ?? (await import('../devices/serial-transport.ts')).listPorts)();
  return ports.map((port) => redactValue(port));
}

/** The board with its details scrubbed and its times readable (ISO, UTC) for support. */
function healthPart(health: DiagnosticsHealth) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    entries: health.entries.map((entry) => ({
      ...(redactValue(entry) as DiagnosticEntry),
      since: iso(entry.since),
      recent: entry.recent.map((incident) => ({ ...(redactValue(incident) as HealthIncident), at: iso(incident.at) })),
    })),
  };
}

interface Count {
  key: string | null;
  count: number;
}

/** The sync queue in numbers: counts per state, the oldest wait, failures by code. */
function queueSummary(db: Database, now: number) {
  const counts = (sql: string, ...params: unknown[]) =>
    Object.fromEntries(
      db
        .prepare<unknown[], Count>(sql)
        .all(...params)
        .map((row) => [row.key ?? 'none', row.count]),
    );
  const oldest = db
    .prepare<[], { at: number | null }>("SELECT min(enqueued_at) AS at FROM outbox_packets WHERE step != 'done'")
    .get()?.at;
  const oldestRating = db
    .prepare<[], { at: number | null }>('SELECT min(enqueued_at) AS at FROM outbox_ratings WHERE done_at IS NULL')
    .get()?.at;
  const paused = db.prepare<[], { value: string }>("SELECT value FROM sync_settings WHERE key = 'paused'").get();
  return {
    paused: paused?.value === '1',
    packetsByState: counts('SELECT state AS key, count(*) AS count FROM packet_state GROUP BY state'),
    outbox: {
      byStep: counts('SELECT step AS key, count(*) AS count FROM outbox_packets GROUP BY step'),
      waiting: counts(
        "SELECT department_id AS key, count(*) AS count FROM outbox_packets WHERE step != 'done' GROUP BY department_id",
      ),
      blocked:
        db
          .prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox_packets WHERE step != 'done' AND blocked = 1")
          .get()?.n ?? 0,
      retrying:
        db
          .prepare<[number], { n: number }>(
            "SELECT count(*) AS n FROM outbox_packets WHERE step != 'done' AND blocked = 0 AND attempts > 0 AND next_attempt_at > ?",
          )
          .get(now)?.n ?? 0,
      oldestWaitingAgeSeconds: oldest == null ? null : Math.max(0, Math.round((now - oldest) / 1000)),
      failuresByCode: counts(
        "SELECT last_error_code AS key, count(*) AS count FROM outbox_packets WHERE step != 'done' AND last_error_code IS NOT NULL GROUP BY last_error_code",
      ),
    },
    ratings: {
      waiting:
        db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox_ratings WHERE done_at IS NULL').get()?.n ?? 0,
      oldestWaitingAgeSeconds: oldestRating == null ? null : Math.max(0, Math.round((now - oldestRating) / 1000)),
      failuresByCode: counts(
        'SELECT last_error_code AS key, count(*) AS count FROM outbox_ratings WHERE done_at IS NULL AND last_error_code IS NOT NULL GROUP BY last_error_code',
      ),
    },
    printJobsByState: counts('SELECT state AS key, count(*) AS count FROM print_jobs GROUP BY state'),
  };
}

/** The newest log files up to `maxBytes`, each line redacted; what cannot be read is named in missing. */
function addLogs(dir: string, maxBytes: number, files: Zippable, missing: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    missing.push(`logs/: the log folder could not be read (${why(error)})`);
    return;
  }
  const logs = names
    .filter((name) => name.endsWith('.log'))
    .map((name) => {
      try {
        return { name, mtime: statSync(join(dir, name)).mtimeMs };
      } catch {
        return { name, mtime: 0 };
      }
    })
    .sort((a, b) => b.mtime - a.mtime);
  if (logs.length === 0) missing.push('logs/: no log files in the data directory');
  let taken = 0;
  for (const { name } of logs) {
    let content: string;
    try {
      content = readFileSync(join(dir, name), 'utf8');
    } catch (error) {
      missing.push(`logs/${name}: could not be read (${why(error)})`);
      continue;
    }
    if (taken + content.length > maxBytes) {
      missing.push(`logs/${name} and older: left out, the bundle takes at most ${maxBytes} bytes of logs`);
      break;
    }
    taken += content.length;
    files[`logs/${name}`] = text(redactLogText(content));
  }
}

/**
 * ZIP entries carry a DOS time, which fflate fills from the local fields of a Date:
 * shifted so that they read the hall's time (UTC+8) on any machine.
 */
function dosTime(ms: number): number {
  const hallMs = ms + 8 * 3600_000;
  return hallMs + new Date(hallMs).getTimezoneOffset() * 60_000;
}

const README = `Tongban Desk diagnostics bundle

versions.json  app, Electron/Node, OS, architecture, memory, database schema, service-item catalog
config.json    the hall config without secrets ("stripped" names what was left out)
devices.json   serial ports with USB ids, the configured devices, their health and recent errors
queue.json     the sync queue in numbers: counts per state, oldest waiting age, failures by error code
health.json    every health entry (store, devices, sync) with its recent errors (kept since the app started)
logs/          the newest log files, each line redacted
missing.txt    what could not be included, and why (only when something is missing)

Never included: applicants' names, ID numbers, phone numbers, addresses, photos or files;
packet ids; department tokens, passwords or keys. Log fields that can carry personal data
are emptied, and any Chinese text, ID-number-like or mobile-number-like digits in logs and
details are replaced. See docs/diagnostics.md.
`;
