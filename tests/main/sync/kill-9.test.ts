// kill -9 of the REAL app process (the built browser host) while packets travel, in two
// set-ups: the demo profile (the inbox runs inside the app and dies with it), and a
// department that is a process of its own behind a TCP link, which keeps running while
// the app is killed alone. Seeded random moments for the soak (`KILL9_SEED`,
// `KILL9_CYCLES`; the long soak is `npm run bench -- soak`), and exact moments for the
// cases that must each be seen: mid-chunk, while registering, while committing, and
// after the department committed but before the window heard it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuedPacket } from '../../../src-main/api/contract/index.ts';
import {
  clerkSession,
  firstStart,
  listPackets,
  readDepartment,
  runSoak,
  sealBig,
  type SoakReport,
} from './kill-soak.ts';
import {
  startApp,
  startDepartment,
  writeHallConfig,
  type AppProcess,
  type ContractClient,
  type DepartmentProcess,
} from './process-harness.ts';
import { startTcpLink, type TcpLink } from './tcp-link.ts';

const SEED = Number(process.env.KILL9_SEED ?? 20261125);
const CYCLES = Number(process.env.KILL9_CYCLES ?? 8);
const MIB = 1024 * 1024;

const workDirs: string[] = [];
const workDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-kill9-'));
  workDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

function expectNothingLost(report: SoakReport): void {
  const { payloadByPacket: _perPacket, ...summary } = report;
  console.log(`kill-9 soak: ${JSON.stringify(summary)}`);
  expect(report.sealedAcknowledged).toBeGreaterThanOrEqual(2);
  expect(report.lost).toEqual([]);
  expect(report.notDelivered).toEqual([]);
  expect(report.duplicated).toBe(0);
  expect(report.missingAtDepartment).toEqual([]);
  expect(report.extraAtDepartment).toEqual([]);
  expect(report.hashMismatches).toEqual([]);
}

describe('kill -9 of the real app process at seeded random moments', () => {
  it('demo profile (inbox inside the app): no packet lost, none twice, every hash kept', async () => {
    const report = await runSoak(workDir(), { seed: SEED, cycles: CYCLES, department: 'embedded' });
    expect(report.interruptions.appKill).toBe(CYCLES);
    expectNothingLost(report);
  }, 120_000);

  it('department as its own process: app kills, network cuts and department kills mixed', async () => {
    const report = await runSoak(workDir(), {
      seed: SEED + 1,
      cycles: CYCLES,
      department: 'process',
      mix: { cut: 0.3, departmentKill: 0.2 },
    });
    expect(report.interruptions.appKill + report.interruptions.cut + report.interruptions.departmentKill).toBe(CYCLES);
    expect(report.interruptions.appKill).toBeGreaterThan(0);
    expectNothingLost(report);
  }, 150_000);
});

describe('kill -9 of the app alone at exact moments, the department process running on', () => {
  const dir = workDir();
  const appDir = join(dir, 'window');
  const departmentDir = join(dir, 'department');
  let department: DepartmentProcess;
  let link: TcpLink;
  let app: AppProcess;
  let clerk: ContractClient;

  beforeAll(async () => {
    link = await startTcpLink(() => department.url);
    department = await startDepartment(departmentDir, 0, { publicUrl: link.url });
    writeHallConfig(appDir, link.url);
    app = await startApp(appDir);
    await firstStart(app, departmentDir);
    clerk = await clerkSession(app);
  }, 60_000);
  afterAll(async () => {
    clerk?.close();
    await app?.kill9();
    await department?.kill9();
    await link?.close();
  });

  async function killAndRestart(): Promise<void> {
    clerk.close();
    await app.kill9();
    app = await startApp(appDir);
    clerk = await clerkSession(app);
  }

  async function delivered(packetId: string): Promise<QueuedPacket> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const packet = (await listPackets(clerk)).find((p) => p.packetId === packetId);
      if (packet?.state === 'delivered') return packet;
      if (Date.now() > deadline) throw new Error(`packet ${packetId} still ${packet?.state ?? 'absent'}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The department's row for the packet, read from its database while it runs (WAL lets a reader in). */
  function departmentState(packetId: string): string | undefined {
    const db = new BetterSqlite3(join(departmentDir, 'inbox.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT state FROM packets WHERE packet_id = ?').get(packetId) as
        { state: string } | undefined;
      return row?.state;
    } finally {
      db.close();
    }
  }

  it('mid-chunk: after the restart the upload resumes from the offset the department holds', async () => {
    const before = link.upstreamBytes;
    // The packet's big file is one 10 MiB tus chunk; hold the link once 6 MiB have passed.
    const held = link.holdAfter(6 * MIB);
    const sealed = await sealBig(clerk, [10 * MIB, 256 * 1024]);
    await held;
    await killAndRestart();
    await delivered(sealed.packetId);

    const { payloadByPacket } = await departmentFiles([sealed]);
    const payloadBytes = payloadByPacket[sealed.packetId]!;
    const sent = link.upstreamBytes - before;
    const resent = sent - payloadBytes;
    console.log(`kill mid-chunk: payload ${payloadBytes} B, sent ${sent} B, beyond payload ${resent} B`);
    // Starting the file over would send the 6 MiB that had passed again; resuming sends only
    // headers, the manifest and whatever was still in the socket buffers.
    expect(resent).toBeLessThan(1 * MIB);
  }, 60_000);

  it('while the register (PUT) is in flight', async () => {
    const held = link.hold('request', /^PUT \/v1\/packets\//);
    const sealed = await sealBig(clerk, [1 * MIB, 256 * 1024]);
    await held;
    await killAndRestart();
    await delivered(sealed.packetId);
    await expectOnceWithHashes(sealed);
  }, 60_000);

  it('while the commit is in flight, before the department saw it', async () => {
    const held = link.hold('request', /^POST \/v1\/packets\/\S+\/commit /);
    const sealed = await sealBig(clerk, [1 * MIB, 256 * 1024]);
    await held;
    expect(departmentState(sealed.packetId)).toBe('receiving');
    await killAndRestart();
    await delivered(sealed.packetId);
    await expectOnceWithHashes(sealed);
  }, 60_000);

  it('after the department committed, before its answer reached the window', async () => {
    const held = link.hold('answer', /^POST \/v1\/packets\/\S+\/commit /);
    // The change feed would tell the window `delivered` too: its answer is held as well.
    void link.hold('answer', /^GET \/v1\/changes/);
    const sealed = await sealBig(clerk, [1 * MIB, 256 * 1024]);
    await held;
    await waitFor(() => departmentState(sealed.packetId) === 'delivered');
    const beforeKill = (await listPackets(clerk)).find((p) => p.packetId === sealed.packetId);
    expect(beforeKill?.state).not.toBe('delivered');
    await killAndRestart();
    await delivered(sealed.packetId);
    await expectOnceWithHashes(sealed);
  }, 60_000);

  async function waitFor(check: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met in 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Reads the department's database and files with the department stopped, then starts it again in place. */
  async function departmentFiles(sent: Parameters<typeof readDepartment>[2]) {
    const packets = await listPackets(clerk);
    await department.stop();
    try {
      return await readDepartment(departmentDir, packets, sent);
    } finally {
      department = await startDepartment(departmentDir, department.port, { publicUrl: link.url });
    }
  }

  async function expectOnceWithHashes(sealed: Parameters<typeof readDepartment>[2][number]): Promise<void> {
    const found = await departmentFiles([sealed]);
    expect(found.duplicated).toBe(0);
    expect(found.missingAtDepartment).toEqual([]);
    expect(found.extraAtDepartment).toEqual([]);
    expect(found.hashMismatches).toEqual([]);
  }
});
