// The parts of the sync benchmark shared by the bench process and the sender it starts
// for the memory run: a department inbox in its own process, a hall core configured to
// send to it and enrolled there as an installer would do it (the inbox's CLI), and
// large files streamed into a draft.
//
// Nothing here may import tsx-only or dept-inbox code: sync-sender.ts runs as compiled
// JavaScript against dist/ (see sync.ts).
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EventMessage } from '../src-main/api/wire.ts';
import type { HallCore } from '../src-main/core/hall-core.ts';
import type { SyncOptions } from '../src-main/sync/sync-options.ts';
import { openDesk, scannedPage, startDraft, type Call } from './desk.ts';
import { type LargeFileJob, putLargeFile } from './large-file.ts';
import { bootCore, MiB, workDir } from './support.ts';
import { addFileBytes } from '../tests/fixtures/uploads.ts';

const run = promisify(execFile);
const DEPARTMENT = 'demo-dept';

/** Where a department inbox runs and keeps its data; `root` is the repository (for its CLI). */
export interface InboxRef {
  url: string;
  dataDir: string;
  root: string;
}

export interface BenchHall {
  core: HallCore;
  dataDir: string;
  /** Resident memory once the core is up and its sync started, before anyone signs in (the idle core). */
  idleRssMiB: number;
  /** process.memoryUsage() in MiB at the same moment. */
  idleUsage: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  admin: Call;
  call: Call;
  /** Resolves with performance.now() when the packet reached `state` (as the clerk's UI hears it). */
  reach(packetId: string, state: string, ms: number): Promise<number>;
  /** Bytes of every file the packet lists (what the outbox sends when the department has none of them). */
  payloadBytes(packetId: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A hall core whose department `demo-dept` (regions 51…) has its inbox at `endpoint`
 * (the inbox itself, or a link in front of it), enrolled at `inbox`.
 */
export async function openHall(options: {
  endpoint: string;
  inbox: InboxRef;
  sync?: SyncOptions;
  dataDir?: string;
}): Promise<BenchHall> {
  const dataDir = options.dataDir ?? workDir();
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({
      profile: 'configured',
      hall: { id: 'bench-hall', name: '基准测试政务服务中心' },
      window: { id: 'W01', name: '跨省通办专窗 1 号' },
      regionCode: '110105',
      departments: [
        { id: DEPARTMENT, name: '成都市人社局', regionCodes: ['51'], endpoint: options.endpoint, signature: 'ed25519' },
      ],
    }),
  );
  const core = await bootCore(dataDir, options.sync);
  const seen = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const onEvent = (event: EventMessage) => {
    if (event.name !== 'packets.changed') return;
    const at = performance.now();
    for (const change of (event.payload as { packets: Array<{ packetId: string; state: string }> }).packets) {
      const key = `${change.packetId}/${change.state}`;
      if (!seen.has(key)) seen.set(key, at);
      waiting.get(key)?.();
    }
  };
  try {
    await core.sync.started();
    const idleRssMiB = process.memoryUsage.rss() / MiB;
    const u = process.memoryUsage();
    const mib = (n: number) => Math.round((n / MiB) * 10) / 10;
    const idleUsage = {
      rss: mib(u.rss),
      heapTotal: mib(u.heapTotal),
      heapUsed: mib(u.heapUsed),
      external: mib(u.external),
      arrayBuffers: mib(u.arrayBuffers),
    };
    const { admin, call } = await openDesk(core, onEvent);
    await enrol(admin, options.inbox);
    const hall: BenchHall = {
      core,
      dataDir,
      idleRssMiB,
      idleUsage,
      admin,
      call,
      async reach(packetId, state, ms) {
        const key = `${packetId}/${state}`;
        if (!seen.has(key)) {
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve, reject) => {
            waiting.set(key, resolve);
            timer = setTimeout(() => reject(new Error(`packet ${packetId} not ${state} within ${ms} ms`)), ms);
          }).finally(() => {
            clearTimeout(timer);
            waiting.delete(key);
          });
        }
        return seen.get(key)!;
      },
      async payloadBytes(packetId) {
        const { packets } = await call<{ packets: Array<{ packetId: string; sync: { bytesTotal: number } | null }> }>(
          'packets.list',
          { scope: 'all', limit: 200 },
        );
        return packets.find((p) => p.packetId === packetId)?.sync?.bytesTotal ?? 0;
      },
      async close() {
        await core.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return hall;
  } catch (error) {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Enrolment as installers do it: the window's public key to the inbox's CLI, the printed token back to the window. */
async function enrol(admin: Call, inbox: InboxRef): Promise<void> {
  const info = await admin<{ windowId: string; departments: Array<{ scheme: string; publicKey: string }> }>(
    'sync.enrolment',
  );
  const department = info.departments[0]!;
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      join(inbox.root, 'dept-inbox/src/cli.ts'),
      'enroll-window',
      '--data-dir',
      inbox.dataDir,
      '--window-id',
      info.windowId,
      '--public-key',
      department.publicKey,
      '--scheme',
      department.scheme,
      '--replace', // every bench hall is a new window key for the same window id
    ],
    { cwd: inbox.root, timeout: 30_000 },
  );
  const token = /tbw_\S+/.exec(stdout)?.[0];
  if (!token) throw new Error(`enroll-window printed no token: ${stdout}`);
  const answer = await admin<{ verified: boolean }>('sync.setDepartmentToken', { departmentId: DEPARTMENT, token });
  if (!answer.verified) throw new Error('the inbox did not confirm the window token');
}

/**
 * A draft (社会保障卡申领, ready to seal as 收件) with one ID-card "scan" of `bytes` bytes and
 * a photo. `inChild`: the large file is written by a short-lived process of its own
 * (large-file.ts), so this process's memory shows none of streaming it in.
 */
export async function draftWithLargeFile(
  hall: BenchHall,
  bytes: number,
  seed: number,
  options: { inChild?: boolean } = {},
): Promise<string> {
  const draftId = await startDraft(hall.call, 1);
  await addFileBytes(hall.call, { id: draftId, materialId: 'photo', name: '照片.png', bytes: scannedPage(seed) });
  const job: LargeFileJob = { paths: hall.core.paths, draftId, bytes, seed };
  if (options.inChild) {
    await run(process.execPath, [join(import.meta.dirname, 'large-file.js'), JSON.stringify(job)], {
      timeout: 600_000,
    });
  } else await putLargeFile(job);
  return draftId;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
