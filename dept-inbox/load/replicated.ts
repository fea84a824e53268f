// The inbox as a department with many windows runs it: several inbox processes sharing
// PostgreSQL (records) and one file store, behind HAProxy on 127.0.0.1 — for the load
// bench and the fault tests (a replica killed with -9 mid-load, PostgreSQL restarted).
// On one machine the replicas share a data directory; across machines they share S3.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InboxDb } from '../src/db.ts';
import {
  enrolWindowsOn,
  openPostgresRecords,
  startInboxProcess,
  type InboxDeployment,
  type InboxProcess,
} from './deployment.ts';
import { freePort } from './free-port.ts';

export interface ReplicatedDeployment extends InboxDeployment {
  readonly dataDir: string;
  /** kill -9 of one replica: the balancer's health check takes it out. */
  killReplica(index: number): Promise<void>;
  /** Starts a killed replica again on its port. */
  restartReplica(index: number): Promise<void>;
}

/**
 * `replicas` inbox processes on `databaseUrl` behind HAProxy. The replicas' upload URLs
 * name the balancer (--public-url), so a window's PATCH may land on any of them.
 */
export async function startReplicatedDeployment(options: {
  replicas: number;
  databaseUrl: string;
  startTimeoutMs?: number;
  windowPrefix?: string;
}): Promise<ReplicatedDeployment> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tongban-inbox-replicas-'));
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const balancerPort = await freePort();
  const publicUrl = `http://127.0.0.1:${balancerPort}`;
  const ports: number[] = [];
  for (let i = 0; i < options.replicas; i += 1) ports.push(await freePort());
  const start = (port: number) =>
    startInboxProcess(dataDir, port, timeoutMs, {
      args: ['--public-url', publicUrl],
      // In the environment, not on the command line: a URL may carry a password.
      env: { TONGBAN_INBOX_DATABASE_URL: options.databaseUrl },
    });
  const processes: Array<InboxProcess | undefined> = [];
  let balancer: ChildProcess | undefined;
  const stopAll = async () => {
    balancer?.kill('SIGTERM');
    await Promise.all(processes.flatMap((p) => (p ? [p.stop('SIGTERM')] : [])));
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    // One first, so it migrates the schema alone; then the others together.
    processes.push(await start(ports[0]!));
    processes.push(...(await Promise.all(ports.slice(1).map(start))));
    balancer = await startHaproxy(dataDir, balancerPort, ports);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const prefix = options.windowPrefix ?? 'LOAD';
  let enrolled = 0;
  return {
    name: `PostgreSQL, ${options.replicas} replica${options.replicas === 1 ? '' : 's'} behind HAProxy`,
    url: publicUrl,
    replicas: options.replicas,
    dataDir,
    get pids() {
      return [...processes.flatMap((p) => (p ? [p.pid] : [])), ...(balancer?.pid ? [balancer.pid] : [])];
    },
    async enrolWindows(n) {
      const db = await InboxDb.openPostgres({ url: options.databaseUrl, poolSize: 2 });
      try {
        const windows = await enrolWindowsOn(db, n, prefix, enrolled);
        enrolled += n;
        return windows;
      } finally {
        await db.close();
      }
    },
    openRecords: () => openPostgresRecords(options.databaseUrl, dataDir),
    async killReplica(index) {
      await processes[index]?.stop('SIGKILL');
      processes[index] = undefined;
    },
    async restartReplica(index) {
      processes[index] ??= await start(ports[index]!);
    },
    stop: stopAll,
  };
}

/**
 * HAProxy in front of the replicas: least connections (long polls hold theirs), health
 * checks every 500 ms on /v1/health, and a failed connection tried on another replica.
 * Calls (/v1/calls, /approver/) keep in-memory mailboxes and approver sessions, so they go
 * to the first replica while it lives (the others are its backups).
 */
async function startHaproxy(dir: string, port: number, replicas: number[]): Promise<ChildProcess> {
  const servers = replicas.map((p, i) => `  server r${i + 1} 127.0.0.1:${p} check inter 500 fall 2 rise 2`);
  const sticky = replicas.map(
    (p, i) => `  server r${i + 1} 127.0.0.1:${p} check inter 500 fall 2 rise 2${i === 0 ? '' : ' backup'}`,
  );
  const config = [
    'global',
    '  maxconn 4000',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout http-request 30s',
    '  retries 3',
    '  option redispatch',
    '  retry-on conn-failure empty-response',
    'frontend inbox',
    `  bind 127.0.0.1:${port}`,
    '  use_backend calls if { path_beg /v1/calls } || { path_beg /approver }',
    '  default_backend replicas',
    'backend replicas',
    '  balance leastconn',
    '  option httpchk GET /v1/health',
    ...servers,
    'backend calls',
    '  option httpchk GET /v1/health',
    ...sticky,
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy did not start: ${errors.trim()}`);
    const answer = await fetch(`http://127.0.0.1:${port}/v1/health`).catch(() => undefined);
    if (answer?.ok) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not answer: ${errors.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
