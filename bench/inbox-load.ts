// The department inbox under load (#18 point 4): simulated windows speaking the
// windows' protocol (dept-inbox/load/) against an inbox deployment, all on this machine.
// Scenario A, the target: 500 windows holding long polls of their feeds while 50
// of them send packets back to back. Scenario B: the same senders on each deployment of
// LOAD_DEPLOYMENTS, for how throughput grows with replicas. After each run verify.ts reads
// the inbox's records and stored bytes: every packet once, every hash equal.
//
// LOAD_SECONDS (default 45 for A, 20 for each B run) sets how long packets are started;
// the packets under way then finish, and verify.ts re-reads every stored byte.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startSqliteDeployment, type InboxDeployment } from '../dept-inbox/load/deployment.ts';
import { startReplicatedDeployment } from '../dept-inbox/load/replicated.ts';
import { startPostgres, type PostgresServer } from '../dept-inbox/tests/postgres-server.ts';
import { runLoad, type LatencyStats, type LoadResult, type LoadScenario } from '../dept-inbox/load/generator.ts';
import { verifyDelivered } from '../dept-inbox/load/verify.ts';
import { MiB, record } from './support.ts';

/**
 * The deployments of scenario B, in order of replicas. PostgreSQL with 2 and 3 inbox
 * processes behind HAProxy implement the same InboxDeployment and go here; scenario A
 * runs on the first with 2 replicas (the target), else on the first.
 */
export const LOAD_DEPLOYMENTS: Array<{ name: string; replicas: number; start: () => Promise<InboxDeployment> }> = [
  { name: 'SQLite, 1 process', replicas: 1, start: () => startSqliteDeployment() },
  ...[1, 2, 3].map((replicas) => ({
    name: `PostgreSQL, ${replicas} behind HAProxy`,
    replicas,
    start: async () => startReplicatedDeployment({ replicas, databaseUrl: await postgresDatabase() }),
  })),
];

/** One PostgreSQL server for the bench's deployments (a fresh database each), stopped at the end. */
let postgres: PostgresServer | undefined;
async function postgresDatabase(): Promise<string> {
  if (!postgres) {
    const started = await startPostgres();
    if (typeof started === 'string') throw new Error(started);
    postgres = started;
  }
  return postgres.createDatabase();
}

const A_SECONDS = Number(process.env.LOAD_SECONDS ?? 45);
const B_SECONDS = Number(process.env.LOAD_SECONDS ?? 20);

/** 50 pages of ~200 KiB; every 40th packet also one 100 MiB file (the 20–200 MiB packets, a few). */
const MIX: Partial<LoadScenario> = { pages: 50, pageBytes: 200 * 1024, largeEvery: 40, largeBytes: 100 * MiB };
const MIX_NOTE =
  "50 pages of 180–220 KiB each (≈10 MiB); every 40th packet also one 100 MiB file in the window's 64 MiB PATCHes";

export async function benchInboxLoad(): Promise<void> {
  try {
    await benchScenarios();
  } finally {
    await postgres?.stop();
    postgres = undefined;
  }
}

async function benchScenarios(): Promise<void> {
  // Scenario A, on 2 replicas as the target says (SQLite when PostgreSQL cannot start).
  const a = await LOAD_DEPLOYMENTS.find((d) => d.replicas === 2)!
    .start()
    .catch((error: unknown) => {
      record('inbox load A on PostgreSQL', 'skipped', `PostgreSQL or HAProxy unavailable: ${(error as Error).message}`);
      return LOAD_DEPLOYMENTS[0]!.start();
    });
  try {
    const windows = await a.enrolWindows(500);
    const run = await measured(a, () =>
      runLoad(a.url, windows, { ...MIX, uploaders: 50, durationMs: A_SECONDS * 1000 }),
    );
    report(`inbox load A (${a.name}): 500 windows polling, 50 sending`, run.result, run.inboxCpu);
    await verified(
      a,
      run.result,
      windows.map((w) => w.windowId),
      'inbox load A',
    );
  } finally {
    await a.stop();
  }

  // Scenario B: throughput per deployment.
  for (const { name, start } of LOAD_DEPLOYMENTS) {
    let deployment: InboxDeployment;
    try {
      deployment = await start();
    } catch (error) {
      record(`inbox load B, ${name}`, 'skipped', (error as Error).message);
      continue;
    }
    try {
      const windows = await deployment.enrolWindows(50);
      const run = await measured(deployment, () =>
        runLoad(deployment.url, windows, { ...MIX, uploaders: 50, durationMs: B_SECONDS * 1000 }),
      );
      const { result } = run;
      record(
        `inbox load B, ${name} (${deployment.replicas} replica${deployment.replicas === 1 ? '' : 's'})`,
        `${result.busyMiBPerSecond.toFixed(1)} MiB/s while all sent; ${result.packetsPerSecond.toFixed(2)} packets/s, ` +
          `${result.mibPerSecond.toFixed(1)} MiB/s overall`,
        `50 windows sending, ${result.packets} packets (${result.largePackets} large) in ${result.seconds.toFixed(1)} s; ` +
          `p99 commit ${ms(result.latency.commit.p99)}; ${errorsLine(result)}; inbox CPU ${run.inboxCpu}`,
      );
      await verified(
        deployment,
        result,
        windows.map((w) => w.windowId),
        `inbox load B, ${name}`,
      );
    } finally {
      await deployment.stop();
    }
  }
}

/** The run, and the CPU the deployment's processes used meanwhile. */
async function measured(deployment: InboxDeployment, run: () => Promise<LoadResult>) {
  const before = cpuSeconds(deployment.pids);
  const t0 = performance.now();
  const result = await run();
  const wall = (performance.now() - t0) / 1000;
  const used = cpuSeconds(deployment.pids) - before;
  // Other work on the machine shows in every figure: its load is printed with them.
  const load = `load average ${loadavg()[0]!.toFixed(1)} at the end`;
  return {
    result,
    inboxCpu: `${used.toFixed(0)} s over ${wall.toFixed(0)} s (${((used / wall) * 100).toFixed(0)} % of a core); ${load}`,
  };
}

function report(title: string, result: LoadResult, inboxCpu: string): void {
  record(
    `${title}: throughput`,
    `${result.packetsPerSecond.toFixed(2)} packets/s, ${result.mibPerSecond.toFixed(1)} MiB/s; ` +
      `${result.busyMiBPerSecond.toFixed(1)} MiB/s while all sent`,
    `${result.packets} packets (${result.largePackets} with a 100 MiB file), ${(result.bytes / MiB).toFixed(0)} MiB ` +
      `in ${result.seconds.toFixed(1)} s, the last packets finishing alone at the end; ${MIX_NOTE}`,
  );
  record(`${title}: register (PUT)`, latencyLine(result.latency.register));
  record(
    `${title}: commit`,
    latencyLine(result.latency.commit),
    'target p99 < 1 s; the inbox re-reads the files another replica received',
  );
  record(`${title}: one file's upload (POST + PATCHes)`, latencyLine(result.latency.upload));
  record(
    `${title}: feed`,
    latencyLine(result.latency.feed),
    'from the inbox recording the delivered change (its `at`) to the window holding the long poll answer carrying it',
  );
  record(`${title}: errors`, errorsLine(result), 'target: none');
  record(
    `${title}: processes`,
    `generator ${result.client.cpuSeconds.toFixed(0)} CPU s, RSS +${(result.client.rssPeakMiB - result.client.rssStartMiB).toFixed(0)} MiB ` +
      `at peak (${result.client.rssPeakMiB.toFixed(0)} MiB with every bench module loaded); inbox ${inboxCpu}`,
    `${result.polls} long polls answered`,
  );
}

async function verified(deployment: InboxDeployment, result: LoadResult, windowIds: string[], title: string) {
  const records = await deployment.openRecords();
  try {
    const t0 = performance.now();
    const problems = [...result.feedProblems, ...(await verifyDelivered(records, result.committed, { windowIds }))];
    record(
      `${title}: verified on the inbox`,
      problems.length === 0 ? `all ${result.packets} packets once, hashes equal` : `${problems.length} PROBLEMS`,
      problems.length === 0
        ? `every stored byte re-read in ${((performance.now() - t0) / 1000).toFixed(1)} s`
        : problems.slice(0, 5).join('; '),
    );
  } finally {
    await records.close();
  }
}

function latencyLine(s: LatencyStats): string {
  return s.count === 0 ? 'no samples' : `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)} (${s.count})`;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
}

function errorsLine(result: LoadResult): string {
  const kinds = Object.entries(result.errors).map(([kind, n]) => `${kind} ×${n}`);
  const failed = result.failedPackets > 0 ? `; ${result.failedPackets} packets given up` : '';
  return kinds.length === 0 ? `none${failed}` : `${result.errorCount}: ${kinds.join(', ')}${failed}`;
}

/** User + system CPU seconds of processes (Linux /proc); a process gone counts 0. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone, or not Linux
    }
  }
  return ticks / 100;
}
