// The department side at scale, for real: two inbox processes on one PostgreSQL behind
// HAProxy on 127.0.0.1, driven by the load generator's simulated windows (their real
// protocol). One replica killed with -9 mid-load, and PostgreSQL restarted under load:
// the windows retry through the balancer, and afterwards every packet they were told was
// delivered is on the inbox exactly once, its stored files hashing as its signed manifest
// says. Skipped, with a warning, only when PostgreSQL or HAProxy cannot be started.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadResult } from '../load/generator.ts';
import { startReplicatedDeployment, type ReplicatedDeployment } from '../load/replicated.ts';
import { verifyDelivered } from '../load/verify.ts';
import { FAULT_LOAD } from './fault-load.ts';
import { startPostgres, type PostgresServer } from './postgres-server.ts';

const started = await startPostgres();
const server: PostgresServer | undefined = typeof started === 'string' ? undefined : started;
const haproxy = spawnSync('haproxy', ['-v']).status === 0;
if (!server) console.warn(`replica tests skipped: ${String(started)}`);
else if (!haproxy) console.warn('replica tests skipped: HAProxy is not installed (apt-get install haproxy)');
afterAll(async () => {
  await server?.stop();
});

async function expectEveryPacketOnce(deployment: ReplicatedDeployment, result: LoadResult, windowIds: string[]) {
  expect(result.failedPackets).toBe(0);
  expect(result.packets).toBeGreaterThanOrEqual(3);
  expect(result.feedProblems).toEqual([]);
  const records = await deployment.openRecords();
  try {
    expect(await verifyDelivered(records, result.committed, { windowIds })).toEqual([]);
  } finally {
    await records.close();
  }
}

describe.skipIf(!server || !haproxy)('inbox replicas behind HAProxy on PostgreSQL, under load', () => {
  let deployment: ReplicatedDeployment | undefined;
  afterAll(async () => {
    await deployment?.stop();
  });

  it('kill -9 of one replica mid-load: every packet still arrives exactly once with equal hashes', async () => {
    deployment = await startReplicatedDeployment({ replicas: 2, databaseUrl: await server!.createDatabase() });
    const windows = await deployment.enrolWindows(12);
    const run = runLoad(deployment.url, windows, { ...FAULT_LOAD, durationMs: 7000 });
    await new Promise((done) => setTimeout(done, 2500));
    await deployment.killReplica(0);
    const result = await run;
    await expectEveryPacketOnce(
      deployment,
      result,
      windows.map((w) => w.windowId),
    );
    await deployment.stop();
    deployment = undefined;
  }, 120_000);

  it('PostgreSQL restarted under load: 503 with Retry-After meanwhile, then recovered by itself', async () => {
    deployment = await startReplicatedDeployment({ replicas: 2, databaseUrl: await server!.createDatabase() });
    const windows = await deployment.enrolWindows(12);
    const run = runLoad(deployment.url, windows, { ...FAULT_LOAD, durationMs: 7000 });
    await new Promise((done) => setTimeout(done, 2500));
    await server!.restart({ downMs: 1500 });
    const result = await run;
    // The windows were told to wait: the inbox answered 503 unavailable while it was down.
    expect(Object.keys(result.errors).some((kind) => kind.includes('503'))).toBe(true);
    await expectEveryPacketOnce(
      deployment,
      result,
      windows.map((w) => w.windowId),
    );
  }, 120_000);
});
