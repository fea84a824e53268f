// kill -9 of the REAL app process (the built browser host, demo profile: the department
// inbox runs inside the app under <data dir>/dept-inbox/ and keeps its port and token
// across restarts) while packets with large files are sealed, uploaded and submitted.
// Seeded random kill moments, a bounded number of cycles, then every sealed packet must
// read `delivered`, exist exactly once at the department, and carry the same file hashes.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import { createInbox } from '../../../dept-inbox/src/server.ts';
import type { QueuedPacket, SealedPacket, DraftView } from '../../../src-main/api/contract.ts';
import { completeSocialCardPatch, pngBytes, SOCIAL_CARD, STRONG } from '../intake/fixtures.ts';
import { connectApp, seededRandom, startApp, type AppProcess, type ContractClient } from './process-harness.ts';

const SEED = Number(process.env.KILL9_SEED ?? 20261125);
const CYCLES = Number(process.env.KILL9_CYCLES ?? 8);
const MIB = 1024 * 1024;

/** A real PNG followed by incompressible noise: unique content, several MiB. */
function bigPng(bytes: number): Uint8Array {
  return Buffer.concat([Buffer.from(pngBytes(16, 16, 90)), randomBytes(bytes)]);
}
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Sent {
  packetId: string;
  version: number;
  hashes: string[];
}

const dataDir = mkdtempSync(join(tmpdir(), 'tongban-kill9-'));
let app: AppProcess | undefined;
afterAll(async () => {
  await app?.kill9();
  rmSync(dataDir, { recursive: true, force: true });
});

async function clerkSession(running: AppProcess): Promise<ContractClient> {
  const clerk = await connectApp(running);
  await clerk.call('auth.login', { username: 'clerk01', password: STRONG });
  return clerk;
}

/** Draft, two big material files, seal; returns what was sealed and the hashes it must arrive with. */
async function sealBig(clerk: ContractClient, sizes: [number, number]): Promise<Sent> {
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
  const idCard = bigPng(sizes[0]);
  const photo = bigPng(sizes[1]);
  await clerk.call('drafts.addFile', {
    id: draft.id,
    materialId: 'applicant-id-card',
    name: '身份证.png',
    bytes: idCard,
  });
  await clerk.call('drafts.addFile', { id: draft.id, materialId: 'photo', name: '照片.png', bytes: photo });
  const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
  expect(sealed).toMatchObject({ outcome: 'accept', state: 'sealed' });
  return {
    packetId: sealed.packetId,
    version: sealed.version,
    hashes: [sha256(idCard), sha256(photo), ...sealed.documents.map((d) => d.sha256)].sort(),
  };
}

async function listPackets(clerk: ContractClient): Promise<QueuedPacket[]> {
  return (await clerk.call<{ packets: QueuedPacket[] }>('packets.list', { scope: 'all' })).packets;
}

describe('kill -9 of the real app process while packets travel', () => {
  it('loses no packet, delivers none twice, and keeps every hash', async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    const sent: Sent[] = [];
    const interrupted: string[] = [];
    let kills = 0;
    const inFlightAtKill: Record<string, number> = {};
    const errorsSeen = new Set<string>();

    app = await startApp(dataDir);
    const installer = await connectApp(app);
    await installer.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
    await installer.call('users.create', {
      username: 'clerk01',
      displayName: '张窗口',
      role: 'clerk',
      password: STRONG,
    });
    installer.close();

    // Two packets sealed before the first kill, so uploads are under way when it lands.
    let clerk = await clerkSession(app);
    for (let i = 0; i < 2; i++) sent.push(await sealBig(clerk, [4 * MIB, 2 * MIB]));

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // Each cycle seals a new packet while earlier ones travel. About a third of the kills land
      // at a seeded moment while the draft is written or sealed; the rest a seeded moment after the
      // seal answered, while that packet (and any older one) uploads, submits or awaits its answer.
      const sealingKill = random() < 0.35;
      const delay = Math.floor(random() * (sealingKill ? 1200 : 150));
      const sealing = sealBig(clerk, [3 * MIB + Math.floor(random() * MIB), 2 * MIB]).then(
        (packet) => (sent.push(packet), undefined),
        (error: unknown) => interrupted.push(String(error)),
      );
      if (!sealingKill) await sealing;
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (!sealingKill) {
        // What was in flight at the kill (a snapshot taken a moment before it).
        const states = await listPackets(clerk).then(
          (list) =>
            list
              .filter((p) => p.state !== 'delivered')
              .map((p) => {
                const error = (p as { sync?: { lastError?: { code: string } | null } | null }).sync?.lastError;
                if (error) errorsSeen.add(error.code);
                return p.state;
              }),
          () => ['?'],
        );
        for (const state of states) inFlightAtKill[state] = (inFlightAtKill[state] ?? 0) + 1;
      }
      clerk.close();
      await app.kill9();
      kills++;
      await sealing;
      app = await startApp(dataDir);
      clerk = await clerkSession(app);
    }

    // No more kills: everything the app holds must reach `delivered` on its own.
    const drainStarted = Date.now();
    const deadline = Date.now() + 30_000;
    let packets = await listPackets(clerk);
    while (Date.now() < deadline && packets.some((p) => p.state !== 'delivered')) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      packets = await listPackets(clerk);
    }
    const drainSeconds = Math.round((Date.now() - drainStarted) / 100) / 10;
    clerk.close();
    await app.stop();
    app = undefined;

    const notDelivered = packets
      .filter((p) => p.state !== 'delivered')
      .map((p) => `${p.packetId} v${p.version} ${p.state}`);
    const lost = sent.filter((s) => !packets.some((p) => p.packetId === s.packetId && p.version === s.version));

    // The department's side, read from its own database and files after the app is down.
    const dept = new BetterSqlite3(join(dataDir, 'dept-inbox', 'inbox.db'), { readonly: true });
    const rows = dept
      .prepare('SELECT packet_id, version, state, COUNT(*) OVER (PARTITION BY packet_id, version) AS n FROM packets')
      .all() as Array<{ packet_id: string; version: number; state: string; n: number }>;
    const changes = dept
      .prepare(
        "SELECT packet_id, version, COUNT(*) AS n FROM changes WHERE state = 'delivered' GROUP BY packet_id, version",
      )
      .all() as Array<{ packet_id: string; version: number; n: number }>;
    dept.close();
    const duplicated = rows.filter((r) => r.n > 1).length + changes.filter((c) => c.n > 1).length;
    const atDepartment = (p: { packetId: string; version: number }) =>
      rows.find((r) => r.packet_id === p.packetId && r.version === p.version);
    const missingAtDepartment = packets.filter((p) => atDepartment(p)?.state !== 'delivered');
    const extraAtDepartment = rows.filter(
      (r) => !packets.some((p) => p.packetId === r.packet_id && p.version === r.version),
    );

    const inbox = await createInbox({
      dataDir: join(dataDir, 'dept-inbox'),
      host: '127.0.0.1',
      port: 0,
      logger: false,
    });
    const hashMismatches: string[] = [];
    try {
      for (const packet of packets) {
        const files = inbox.db.packetFiles(packet.packetId, packet.version);
        for (const file of files) {
          const stored = inbox.db.file(file.sha256);
          const actual = stored ? await inbox.storage.digest(stored.path) : undefined;
          if (actual?.sha256 !== file.sha256 || actual.size !== file.size)
            hashMismatches.push(
              `${packet.packetId} ${file.name}: listed ${file.sha256.slice(0, 12)}, held ${actual?.sha256.slice(0, 12)}`,
            );
        }
        const mine = sent.find((s) => s.packetId === packet.packetId && s.version === packet.version);
        if (mine) {
          const theirs = files.map((f) => f.sha256).sort();
          if (JSON.stringify(theirs) !== JSON.stringify(mine.hashes))
            hashMismatches.push(`${packet.packetId}: department lists other files than were sealed`);
        }
      }
    } finally {
      await inbox.close();
    }

    const report = {
      seed: SEED,
      kills,
      sealedAcknowledged: sent.length,
      sealsInterrupted: interrupted.length,
      inFlightAtKill,
      errorsSeenInFlight: [...errorsSeen],
      packetsInApp: packets.length,
      atDepartment: rows.length,
      lost: lost.length,
      notDelivered,
      duplicated,
      missingAtDepartment: missingAtDepartment.length,
      extraAtDepartment: extraAtDepartment.length,
      hashMismatches,
      drainSeconds,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    console.log(`kill-9 soak: ${JSON.stringify(report)}`);

    expect(kills).toBe(CYCLES);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(lost).toEqual([]);
    expect(notDelivered).toEqual([]);
    expect(duplicated).toBe(0);
    expect(missingAtDepartment).toEqual([]);
    expect(extraAtDepartment).toEqual([]);
    expect(hashMismatches).toEqual([]);
  }, 120_000);
});
