// An inbox deployment the load generator drives: where windows reach it, how many inbox
// processes serve it, how windows are enrolled on it, and how its records are read back
// for verify.ts. The SQLite single-process one is here; a PostgreSQL one with replicas
// behind a balancer implements the same interface.
//
// Every call into the inbox's admin and database modules of the load tools is in this
// file and verify.ts, each awaited already (a sync answer awaits as itself), so that the
// store turning async changes at most the types here.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateSigningKey, type SigningKey } from '../../src-main/sync/signing.ts';
import { enrolWindow } from '../src/admin.ts';
import { InboxDb } from '../src/db.ts';
import { createStorage, type InboxStorage } from '../src/storage.ts';

/** A simulated window: what a real one holds after enrolment (its id, signing key and token). */
export interface LoadWindow {
  windowId: string;
  token: string;
  key: SigningKey;
}

/** The inbox's records and stored bytes, opened with the inbox's own modules (for verify.ts). */
export interface InboxRecords {
  db: InboxDb;
  storage: InboxStorage;
  close(): Promise<void>;
}

export interface InboxDeployment {
  /** How the bench names it, e.g. "SQLite, 1 process". */
  readonly name: string;
  /** Where windows reach it (the balancer, when there is one). */
  readonly url: string;
  /** Inbox processes serving it. */
  readonly replicas: number;
  /** Processes whose CPU time the bench reports (inbox replicas, database, balancer). */
  readonly pids: readonly number[];
  /** Enrols `n` new windows (fresh ids and keys) and answers them with their tokens. */
  enrolWindows(n: number): Promise<LoadWindow[]>;
  /** Opens the records for verify.ts; close them before `stop`. */
  openRecords(): Promise<InboxRecords>;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');
const INBOX_CLI = join(ROOT, 'dept-inbox/src/cli.ts');
const UPLOAD_EXPIRY_MS = 7 * 24 * 3600_000;

export interface SqliteDeploymentOptions {
  /** Default: a new temp directory, removed at stop. */
  dataDir?: string;
  /** Default 0: a free port. */
  port?: number;
  startTimeoutMs?: number;
  /** Window ids are `${prefix}0001`…; default `LOAD`. */
  windowPrefix?: string;
}

export interface SqliteDeployment extends InboxDeployment {
  readonly dataDir: string;
  /**
   * A power cut: the inbox process is killed with SIGKILL mid-whatever, then started
   * again on the same data directory and port (so upload URLs held by windows stay good).
   */
  crashAndRestart(downMs?: number): Promise<void>;
}

/**
 * The reference inbox as one process (`cli.ts serve`, its SQLite file and upload folder
 * in `dataDir`); windows are enrolled in this process through the inbox's admin module
 * on the same database file (SQLite lets a second connection write while the server
 * runs), since hundreds of CLI runs would take minutes.
 */
export async function startSqliteDeployment(options: SqliteDeploymentOptions = {}): Promise<SqliteDeployment> {
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tongban-inbox-load-'));
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let inbox: InboxProcess;
  try {
    inbox = await startInboxProcess(dataDir, options.port ?? 0, timeoutMs);
  } catch (error) {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = inbox.url;
  const port = Number(new URL(url).port);
  const prefix = options.windowPrefix ?? 'LOAD';
  let enrolled = 0;
  return {
    name: 'SQLite, 1 process',
    url,
    replicas: 1,
    get pids() {
      return [inbox.pid];
    },
    dataDir,
    enrolWindows(n) {
      const first = enrolled;
      enrolled += n;
      return enrolSqliteWindows(dataDir, n, prefix, first);
    },
    openRecords: () => openSqliteRecords(dataDir),
    async crashAndRestart(downMs = 0) {
      await inbox.stop('SIGKILL');
      await new Promise((done) => setTimeout(done, downMs));
      inbox = await startInboxProcess(dataDir, port, timeoutMs);
    },
    async stop() {
      await inbox.stop('SIGTERM');
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface InboxProcess {
  url: string;
  pid: number;
  /** SIGTERM (SIGKILL after 5 s) or SIGKILL; resolves once the process is gone. */
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** `cli.ts serve` on `dataDir`, once it prints the address it listens on. */
export async function startInboxProcess(
  dataDir: string,
  port: number,
  timeoutMs: number,
  more: { args?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<InboxProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', INBOX_CLI, 'serve', '--data-dir', dataDir, '--port', String(port), ...(more.args ?? [])],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn', ...more.env } },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 100_000) output = output.slice(-50_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (signal: 'SIGTERM' | 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    }
  };
  try {
    const url = await started(child, () => output, timeoutMs);
    return { url, pid: child.pid!, stop };
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
}

/**
 * Enrols `n` windows `${prefix}${first + 1}`… (fresh Ed25519 keys) on the SQLite inbox in
 * `dataDir`, through the inbox's admin module; the inbox may be running.
 */
export async function enrolSqliteWindows(
  dataDir: string,
  n: number,
  prefix = 'LOAD',
  first = 0,
): Promise<LoadWindow[]> {
  const db = InboxDb.openSqlite(join(dataDir, 'inbox.db'));
  try {
    return await enrolWindowsOn(db, n, prefix, first);
  } finally {
    await db.close();
  }
}

/** Enrols `n` windows `${prefix}${first + 1}`… (fresh Ed25519 keys) on an inbox's records. */
export async function enrolWindowsOn(db: InboxDb, n: number, prefix = 'LOAD', first = 0): Promise<LoadWindow[]> {
  const windows: LoadWindow[] = [];
  for (let i = first + 1; i <= first + n; i++) {
    const key = generateSigningKey('ed25519');
    const windowId = `${prefix}${String(i).padStart(4, '0')}`;
    const { token } = await enrolWindow(db, { windowId, scheme: key.scheme, publicKey: key.publicKey, label: 'load' });
    windows.push({ windowId, token, key });
  }
  return windows;
}

/** The records of an inbox on PostgreSQL, and its stored bytes in `dataDir` (file storage). */
export async function openPostgresRecords(databaseUrl: string, dataDir: string): Promise<InboxRecords> {
  const db = await InboxDb.openPostgres({ url: databaseUrl, poolSize: 4 });
  try {
    const storage = await createStorage('file', dataDir, UPLOAD_EXPIRY_MS);
    return { db, storage, close: () => db.close() };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** The SQLite inbox's records and stored bytes in `dataDir` (file storage). */
export async function openSqliteRecords(dataDir: string): Promise<InboxRecords> {
  const db = InboxDb.openSqlite(join(dataDir, 'inbox.db'));
  try {
    const storage = await createStorage('file', dataDir, UPLOAD_EXPIRY_MS);
    return { db, storage, close: async () => db.close() };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Waits for the serve command's "Department inbox on URL" line. */
async function started(child: ChildProcess, output: () => string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = /Department inbox on (http:\/\/\S+)/.exec(output())?.[1];
    if (url) return url;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the inbox exited early:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`the inbox did not start within ${timeoutMs} ms:\n${output()}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}
