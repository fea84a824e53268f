// The kill/cut soak, shared by the Vitest spec (a few seeded cycles, asserted) and the
// bench (hundreds of cycles, counted): the REAL app process seals packets with files of
// several MiB while, at seeded random moments, it is killed with SIGKILL, the network
// under it is cut, or the department's own process is killed. Afterwards nothing more
// happens until every packet settles, and the department's database and files are read
// directly: every sealed packet must be delivered, once, with the hashes it was sealed with.
//
// Two set-ups:
// - `embedded`: the demo profile; the inbox runs inside the app (killed with it).
// - `process`: the inbox is its own process (`dept-inbox/src/cli.ts serve`) behind a TCP
//   link on 127.0.0.1; the app is killed alone while the department keeps running.
// This file must not import vitest: the bench runs it too.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInbox } from '../../../dept-inbox/src/server.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import type { DraftView, QueuedPacket, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { completeSocialCardPatch, SOCIAL_CARD, STRONG } from '../../fixtures/applications.ts';
import { pngBytes } from '../../fixtures/files.ts';
import {
  connectApp,
  enrolWindowByCli,
  seededRandom,
  startApp,
  startDepartment,
  writeHallConfig,
  type AppProcess,
  type ContractClient,
  type DepartmentProcess,
} from './process-harness.ts';
import { startTcpLink, type TcpLink } from './tcp-link.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';

const MIB = 1024 * 1024;

export type Interruption = 'appKill' | 'cut' | 'departmentKill';

export interface SoakOptions {
  seed: number;
  cycles: number;
  department: 'embedded' | 'process';
  /** Share of cycles that cut the network or kill the department instead of the app (`process` only). */
  mix?: { cut: number; departmentKill: number };
  /** How long the queue may take to settle after the last interruption. */
  drainMs?: number;
  /** Progress lines (the bench prints them; the spec stays quiet). */
  log?: (line: string) => void;
}

export interface SoakReport {
  seed: number;
  interruptions: Record<Interruption, number>;
  sealedAcknowledged: number;
  sealsInterrupted: number;
  inFlightAtInterruption: Record<string, number>;
  packetsInApp: number;
  atDepartment: number;
  lost: string[];
  notDelivered: string[];
  duplicated: number;
  missingAtDepartment: string[];
  extraAtDepartment: string[];
  hashMismatches: string[];
  /** Bytes of the distinct files the department holds for these packets. */
  payloadBytes: number;
  payloadByPacket: Record<string, number>;
  /** `process` only: bytes the window sent beyond the files' own size, per interruption. */
  upstreamBeyondPayloadPerInterruption?: number;
  drainSeconds: number;
  seconds: number;
}

export interface Sent {
  packetId: string;
  version: number;
  hashes: string[];
}

/** A real PNG followed by incompressible noise: unique content, several MiB. */
function bigPng(bytes: number): Uint8Array {
  return Buffer.concat([Buffer.from(pngBytes(16, 16, 90)), randomBytes(bytes)]);
}
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Draft, two big material files, seal; returns what was sealed and the hashes it must arrive with. */
export async function sealBig(clerk: ContractClient, sizes: [number, number]): Promise<Sent> {
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
  const idCard = bigPng(sizes[0]);
  const photo = bigPng(sizes[1]);
  await addFileBytes(clerk.call, {
    id: draft.id,
    materialId: 'applicant-id-card',
    name: '身份证.png',
    bytes: idCard,
  });
  await addFileBytes(clerk.call, { id: draft.id, materialId: 'photo', name: '照片.png', bytes: photo });
  const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
  if (sealed.outcome !== 'receive' || sealed.state !== 'sealed')
    throw new Error(`sealed as ${sealed.outcome}/${sealed.state}, not accept/sealed`);
  return {
    packetId: sealed.packetId,
    version: sealed.version,
    hashes: [sha256(idCard), sha256(photo), ...sealed.documents.map((d) => d.sha256)].sort(),
  };
}

/** Every packet of the queue, page by page (`packets.list` answers at most 200 at a time). */
export async function listPackets(clerk: ContractClient): Promise<QueuedPacket[]> {
  const all: QueuedPacket[] = [];
  let cursor: string | null = null;
  do {
    const page: { packets: QueuedPacket[]; nextCursor: string | null } = await clerk.call('packets.list', {
      scope: 'all',
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    all.push(...page.packets);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export async function clerkSession(app: AppProcess): Promise<ContractClient> {
  const clerk = await connectApp(app);
  await clerk.call('auth.login', { username: 'clerk01', password: STRONG });
  return clerk;
}

/** First start: installer and clerk; with a department process, the installer enrols the window there by its CLI. */
export async function firstStart(app: AppProcess, departmentDir: string | undefined): Promise<void> {
  const installer = await connectApp(app);
  await installer.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
  await installer.call('users.create', { username: 'clerk01', displayName: '张窗口', role: 'clerk', password: STRONG });
  if (departmentDir) {
    const info = await installer.call<{
      windowId: string;
      departments: Array<{ scheme: string; publicKey: string }>;
    }>('sync.enrolment');
    const token = await enrolWindowByCli(departmentDir, { windowId: info.windowId, ...info.departments[0]! });
    const answer = await installer.call<{ verified: boolean }>('sync.setDepartmentToken', {
      departmentId: 'demo-dept',
      token,
    });
    if (!answer.verified) throw new Error('the department did not accept the enrolled token');
  }
  installer.close();
}

export async function runSoak(workDir: string, options: SoakOptions): Promise<SoakReport> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => {});
  const appDir = join(workDir, 'window');
  mkdirSync(appDir, { recursive: true });
  const separate = options.department === 'process';
  const departmentDir = separate ? join(workDir, 'department') : join(appDir, 'dept-inbox');

  let department: DepartmentProcess | undefined;
  let link: TcpLink | undefined;
  let app: AppProcess | undefined;
  const sent: Sent[] = [];
  const interrupted: string[] = [];
  const interruptions: Record<Interruption, number> = { appKill: 0, cut: 0, departmentKill: 0 };
  const inFlight: Record<string, number> = {};

  try {
    if (separate) {
      // The window reaches the department through the link: the link's URL is the department's public URL.
      link = await startTcpLink(() => department!.url);
      department = await startDepartment(departmentDir, 0, { publicUrl: link.url });
      writeHallConfig(appDir, link.url);
    }
    app = await startApp(appDir);
    await firstStart(app, separate ? departmentDir : undefined);
    let clerk = await clerkSession(app);
    // Two packets sealed before the first interruption, so uploads are under way when it lands.
    for (let i = 0; i < 2; i++) sent.push(await sealBig(clerk, [4 * MIB, 2 * MIB]));

    for (let cycle = 0; cycle < options.cycles; cycle++) {
      const draw = random();
      const mix = separate ? (options.mix ?? { cut: 0, departmentKill: 0 }) : { cut: 0, departmentKill: 0 };
      const kind: Interruption =
        draw < mix.cut ? 'cut' : draw < mix.cut + mix.departmentKill ? 'departmentKill' : 'appKill';
      // About a third of app kills land at a seeded moment while a draft is written or sealed;
      // every other interruption a seeded moment after the seal answered, while that packet
      // (and any older one) registers, uploads, commits or waits for its answer.
      const duringSeal = kind === 'appKill' && random() < 0.35;
      const delay = Math.floor(random() * (duringSeal ? 1200 : 150));
      const sealing = sealBig(clerk, [3 * MIB + Math.floor(random() * MIB), 2 * MIB]).then(
        (packet) => (sent.push(packet), undefined),
        (error: unknown) => interrupted.push(String(error)),
      );
      if (!duringSeal) await sealing;
      await sleep(delay);
      if (!duringSeal) {
        // What was in flight (a snapshot taken a moment before the interruption).
        const states = await listPackets(clerk).then(
          (list) => list.filter((p) => p.state !== 'delivered').map((p) => p.state),
          () => ['?'],
        );
        for (const state of states) inFlight[state] = (inFlight[state] ?? 0) + 1;
      }
      interruptions[kind] += 1;
      if (kind === 'cut') {
        link!.cutAll();
      } else if (kind === 'departmentKill') {
        await department!.kill9();
        await sleep(Math.floor(random() * 500));
        department = await startDepartment(departmentDir, department!.port, { publicUrl: link!.url });
      } else {
        clerk.close();
        await app.kill9();
        await sealing;
        app = await startApp(appDir);
        clerk = await clerkSession(app);
      }
      if (cycle % 10 === 9) log(`  ${cycle + 1}/${options.cycles} cycles, ${sent.length} packets sealed`);
    }

    // No more interruptions: everything the app holds must reach `delivered` on its own.
    const drainStarted = Date.now();
    const deadline = Date.now() + (options.drainMs ?? 60_000);
    let packets = await listPackets(clerk);
    while (Date.now() < deadline && packets.some((p) => p.state !== 'delivered')) {
      await sleep(200);
      packets = await listPackets(clerk);
    }
    const drainSeconds = Math.round((Date.now() - drainStarted) / 100) / 10;
    clerk.close();
    await app.stop();
    app = undefined;
    await department?.stop();
    department = undefined;

    // The embedded inbox is encrypted with a key derived from the app's master key (its key file).
    const atRestKey = separate
      ? undefined
      : deriveStoreKeys(readFileSync(join(appDir, 'keys', 'master.key'))).demoInboxKey;
    const department_ = await readDepartment(departmentDir, packets, sent, atRestKey);
    const lost = sent
      .filter((s) => !packets.some((p) => p.packetId === s.packetId && p.version === s.version))
      .map((s) => `${s.packetId} v${s.version}`);
    const notDelivered = packets
      .filter((p) => p.state !== 'delivered')
      .map((p) => {
        const error = (p as { sync?: { lastError?: { code: string } | null } | null }).sync?.lastError;
        return `${p.packetId} v${p.version} ${p.state}${error ? ` (${error.code})` : ''}`;
      });
    const count = Object.values(interruptions).reduce((a, b) => a + b, 0);
    return {
      seed: options.seed,
      interruptions,
      sealedAcknowledged: sent.length,
      sealsInterrupted: interrupted.length,
      inFlightAtInterruption: inFlight,
      packetsInApp: packets.length,
      lost,
      notDelivered,
      ...department_,
      ...(link && count > 0
        ? { upstreamBeyondPayloadPerInterruption: Math.round((link.upstreamBytes - department_.payloadBytes) / count) }
        : {}),
      drainSeconds,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    await app?.kill9();
    await department?.kill9();
    await link?.close();
  }
}

/** The department's side, read from its own database and files while no process runs (`atRestKey`: the demo's). */
export async function readDepartment(departmentDir: string, packets: QueuedPacket[], sent: Sent[], atRestKey?: Buffer) {
  const inbox = await createInbox({
    dataDir: departmentDir,
    host: '127.0.0.1',
    port: 0,
    logger: false,
    ...(atRestKey ? { atRest: { key: atRestKey } } : {}),
  });
  const db = inbox.db.sqlite;
  const rows = db
    .prepare('SELECT packet_id, version, state, COUNT(*) OVER (PARTITION BY packet_id, version) AS n FROM packets')
    .all() as Array<{ packet_id: string; version: number; state: string; n: number }>;
  const changes = db
    .prepare(
      "SELECT packet_id, version, COUNT(*) AS n FROM changes WHERE state = 'delivered' GROUP BY packet_id, version",
    )
    .all() as Array<{ packet_id: string; version: number; n: number }>;
  const duplicated = rows.filter((r) => r.n > 1).length + changes.filter((c) => c.n > 1).length;
  const row = (p: { packetId: string; version: number }) =>
    rows.find((r) => r.packet_id === p.packetId && r.version === p.version);
  const missingAtDepartment = packets
    .filter((p) => row(p)?.state !== 'delivered')
    .map((p) => `${p.packetId} v${p.version}: ${row(p)?.state ?? 'absent'}`);
  const extraAtDepartment = rows
    .filter((r) => !packets.some((p) => p.packetId === r.packet_id && p.version === r.version))
    .map((r) => `${r.packet_id} v${r.version}`);

  // Files: hashed again from what the department stores, and compared with what was sealed.
  const hashMismatches: string[] = [];
  const payload = new Map<string, number>();
  const payloadByPacket: Record<string, number> = {};
  try {
    for (const packet of packets) {
      const files = await inbox.db.packetFiles(packet.packetId, packet.version);
      for (const file of files) {
        payload.set(file.sha256, file.size);
        payloadByPacket[packet.packetId] = (payloadByPacket[packet.packetId] ?? 0) + file.size;
        const stored = await inbox.db.file(file.sha256);
        const actual = stored ? await inbox.storage.digest(stored.path) : undefined;
        if (actual?.sha256 !== file.sha256 || actual.size !== file.size)
          hashMismatches.push(
            `${packet.packetId} ${file.name}: listed ${file.sha256.slice(0, 12)}, held ${actual?.sha256.slice(0, 12)}`,
          );
      }
      const mine = sent.find((s) => s.packetId === packet.packetId && s.version === packet.version);
      if (mine && JSON.stringify(files.map((f) => f.sha256).sort()) !== JSON.stringify(mine.hashes))
        hashMismatches.push(`${packet.packetId}: the department lists other files than were sealed`);
    }
  } finally {
    await inbox.close();
  }
  return {
    atDepartment: rows.length,
    duplicated,
    missingAtDepartment,
    extraAtDepartment,
    hashMismatches,
    payloadBytes: [...payload.values()].reduce((a, b) => a + b, 0),
    payloadByPacket,
  };
}
