// Sync figures (issue #4): how much of a slow line an upload uses, what a cut line
// costs in bytes sent twice, the window's memory while it sends 1 GiB, and how long a
// 50-page packet takes from 封装 to 已送达 on loopback. Real parts throughout: the
// department inbox runs as the department runs it (`cli.ts serve`, its own process),
// the window is a hall core with the product's sync settings unless a figure says
// otherwise, and the line between them is tests/main/sync/shaped-link.ts.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CHUNK_BYTES } from '../src-main/sync/sync-options.ts';
import { addScannedPages, startDraft } from './intake.ts';
import { startLink, type Link } from '../tests/main/sync/shaped-link.ts';
import type { SenderInput, SenderResult } from './sync-sender.ts';
import { MiB, record, workDir } from './support.ts';
import { netnsGoodput } from './sync-netns.ts';
import { draftWithLargeFile, openHall, sleep, type BenchHall, type InboxRef } from './sync-hall.ts';
import { seededRandom, startDepartment } from '../tests/main/sync/process-harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RTT_MS = 100;
const CUTS = 5;
const CUT_FILE_BYTES = 128 * MiB;
const MEMORY_FILE_BYTES = 1024 * MiB;

export async function benchSync(): Promise<void> {
  // The reference inbox as the department runs it: `cli.ts serve`, in its own process.
  const dataDir = workDir();
  try {
    // SYNC_FIGURES=memory measures the memory figure alone (about a minute instead of three);
    // a comma list picks others: link (goodput, re-sent per cut), netns, delivered, memory.
    const wanted = new Set((process.env.SYNC_FIGURES ?? 'link,netns,delivered,memory').split(','));
    if (wanted.has('link')) await linkFigures(dataDir);
    if (wanted.has('netns')) await netnsGoodput(ROOT);
    const department = await startDepartment(dataDir);
    const inbox: InboxRef = { url: department.url, dataDir, root: ROOT };
    try {
      if (wanted.has('delivered')) await sealToDelivered(inbox, department.pid);
      if (wanted.has('memory')) await memoryFigure(inbox);
    } finally {
      await department.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Goodput at two line speeds, then bytes re-sent per cut, through one link. */
async function linkFigures(dataDir: string): Promise<void> {
  // Windows reach the inbox through the link, so the link's URL is the inbox's public URL.
  const behind: { url?: string } = {};
  const link = await startLink(() => behind.url!);
  const department = await startDepartment(dataDir, 0, { publicUrl: link.url });
  behind.url = department.url;
  const inbox: InboxRef = { url: department.url, dataDir, root: ROOT };
  try {
    // The product's settings: 16 MiB chunks, default timeouts and backoff.
    const hall = await openHall({ endpoint: link.url, inbox });
    try {
      await goodput(hall, link, 1 * MiB, 20 * MiB, 11);
      await goodput(hall, link, 4 * MiB, 80 * MiB, 12);
    } finally {
      await hall.close();
    }
    // Retries come sooner than in the product so five cuts fit in seconds; the backoff
    // decides when bytes are sent again, not how many.
    const cutHall = await openHall({ endpoint: link.url, inbox, sync: { backoff: { baseMs: 200 } } });
    try {
      await resentPerCut(cutHall, link);
    } finally {
      await cutHall.close();
    }
  } finally {
    await link.close();
    await department.stop();
  }
}

async function goodput(hall: BenchHall, link: Link, bytesPerSecond: number, fileBytes: number, seed: number) {
  const draftId = await draftWithLargeFile(hall, fileBytes, seed);
  link.shape({ bytesPerSecond, rttMs: RTT_MS });
  let firstUpload: number | undefined;
  link.onUpstream = (data) => {
    if (firstUpload === undefined && data.includes('POST /v1/files')) firstUpload = performance.now();
  };
  try {
    const sealed = await hall.call<{ packetId: string }>('drafts.seal', { id: draftId });
    const deliveredAt = await hall.reach(
      sealed.packetId,
      'delivered',
      (fileBytes / bytesPerSecond) * 1000 * 3 + 30_000,
    );
    if (firstUpload === undefined) throw new Error('no tus upload went through the link');
    const payload = await hall.payloadBytes(sealed.packetId);
    const seconds = (deliveredAt - firstUpload) / 1000;
    const share = payload / seconds / bytesPerSecond;
    record(
      `sync goodput, ${bytesPerSecond / MiB} MiB/s line, ${RTT_MS} ms RTT`,
      `${(share * 100).toFixed(1)} % of the line`,
      `${(payload / MiB).toFixed(1)} MiB packet in ${seconds.toFixed(1)} s; goodput = bytes of the packet's files ÷ ` +
        '(first tus POST reaching the line → packet recorded delivered) ÷ line rate; ' +
        `${DEFAULT_CHUNK_BYTES / MiB} MiB chunks, default timeouts`,
    );
  } finally {
    link.onUpstream = undefined;
    link.shape({});
  }
}

/**
 * The same upload twice, once clean and once with every connection cut at seeded
 * points; the difference in bytes the window put on the line is what the cuts cost.
 */
async function resentPerCut(hall: BenchHall, link: Link): Promise<void> {
  const upstream = async (seed: number, cutFractions: number[]) => {
    const draftId = await draftWithLargeFile(hall, CUT_FILE_BYTES, seed);
    const before = link.upstreamBytes;
    const cutsBefore = link.cuts;
    link.cutAt(cutFractions.map((f) => before + Math.round(f * CUT_FILE_BYTES)));
    const sealed = await hall.call<{ packetId: string }>('drafts.seal', { id: draftId });
    await hall.reach(sealed.packetId, 'delivered', 120_000);
    link.cutAt([]);
    return { bytes: link.upstreamBytes - before, cuts: link.cuts - cutsBefore };
  };
  const clean = await upstream(21, []);
  // One cut in each fifth of the file, at a seeded point in that fifth's middle half.
  const random = seededRandom(4);
  const fractions = Array.from({ length: CUTS }, (_, i) => (i + 0.25 + 0.5 * random()) / CUTS);
  const cut = await upstream(22, fractions);
  if (cut.cuts !== CUTS) throw new Error(`expected ${CUTS} cuts, the link made ${cut.cuts}`);
  const perCut = (cut.bytes - clean.bytes) / cut.cuts;
  record(
    'sync bytes re-sent per cut',
    `${(perCut / MiB).toFixed(2)} MiB (${((perCut / DEFAULT_CHUNK_BYTES) * 100).toFixed(0)} % of a ${DEFAULT_CHUNK_BYTES / MiB} MiB chunk)`,
    `${CUTS} cuts of every connection at seeded points of a ${CUT_FILE_BYTES / MiB} MiB upload on loopback; ` +
      "(window's bytes on the line with cuts − the same upload without) ÷ cuts",
  );
}

/** 50 scanned pages (intake's scans) straight to the inbox, no link in between. */
async function sealToDelivered(inbox: InboxRef, inboxPid: number): Promise<void> {
  const concurrency = process.env.SYNC_SMALL_LANE ? Number(process.env.SYNC_SMALL_LANE) : undefined;
  const hall = await openHall({
    endpoint: inbox.url,
    inbox,
    sync: concurrency ? { smallLaneConcurrency: concurrency } : {},
  });
  try {
    // Twice: the first packet runs cold code in both processes (a morning's first packet,
    // or a freshly started inbox); the second is what a running window and inbox do.
    for (const [run, seed] of [
      ['first packet', 101],
      ['second packet', 202],
    ] as const) {
      const draftId = await startDraft(hall.call);
      await addScannedPages(hall.call, draftId, seed);
      await sleep(1500); // the clerk reviews; the font warm-up finishes (as in the intake figure)
      const started = performance.now();
      const sealed = await hall.call<{ packetId: string }>('drafts.seal', { id: draftId });
      const sealedAt = performance.now();
      // CPU time as well as the clock: on a shared machine the clock counts other people's jobs.
      const windowCpu = process.cpuUsage();
      const inboxCpu = processCpuMs(inboxPid);
      const deliveredAt = await hall.reach(sealed.packetId, 'delivered', 60_000);
      const windowCpuMs = cpuMs(process.cpuUsage(windowCpu));
      const inboxCpuMs = processCpuMs(inboxPid) - inboxCpu;
      const payload = await hall.payloadBytes(sealed.packetId);
      record(
        `sync seal → delivered, 50-page packet, loopback, ${run}`,
        `${(deliveredAt - started).toFixed(0)} ms`,
        `${(payload / MiB).toFixed(1)} MiB; the seal itself ${(sealedAt - started).toFixed(0)} ms, ` +
          `from its answer to delivered ${(deliveredAt - sealedAt).toFixed(0)} ms`,
      );
      // The sending alone: the seal renders the notices first, which is not the line's doing.
      record(
        `sync seal's answer → delivered, 50-page packet, loopback, ${run}`,
        `${(deliveredAt - sealedAt).toFixed(0)} ms`,
        `${(payload / MiB).toFixed(1)} MiB (PUT, every file over tus, commit); small lane ` +
          `${concurrency ?? 'default'} at once; CPU meanwhile: window process ${windowCpuMs.toFixed(0)} ms, ` +
          `inbox process ${inboxCpuMs.toFixed(0)} ms; load average ${loadavg()[0]!.toFixed(1)}`,
      );
    }
  } finally {
    await hall.close();
  }
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/** User + system CPU of another process so far (Linux /proc; 10 ms ticks). */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * A 1 GiB upload from a sender in its own process, straight to the inbox: once with the
 * file streamed into the draft by the sender itself (the whole window's life: the bench
 * step leaves its allocations behind), once with the file written by another process
 * (the sender boots, signs in, seals and sends, as a window whose file came in earlier).
 */
async function memoryFigure(inbox: InboxRef): Promise<void> {
  const script = await compileSender();
  for (const fileInChild of [false, true]) {
    const dataDir = workDir();
    try {
      // Each run's own content: the inbox would not take a file it already holds again.
      const seed = fileInChild ? 32 : 31;
      const input: SenderInput = { inbox, dataDir, bytes: MEMORY_FILE_BYTES, seed, timeoutMs: 150_000, fileInChild };
      const result = await runSender(script, input, 240_000);
      const how = fileInChild ? 'file written by another process' : 'file streamed in by the sender';
      if (!fileInChild) {
        record(
          'hall core idle after boot (configured profile)',
          `RSS ${result.idleRssMiB.toFixed(0)} MiB`,
          'the sender process once the core is up and its sync started, before anyone signs in',
        );
      }
      record(
        `sync client memory while sending 1 GiB (whole process; ${how})`,
        `peak RSS ${result.sendingPeakRssMiB.toFixed(0)} MiB`,
        `sampled every 20 ms from the seal's answer to delivered (${(result.sealToDeliveredMs / 1000).toFixed(1)} s from ` +
          `the seal); ${result.bootRssMiB.toFixed(0)} MiB once signed in and enrolled, ${result.rssAtSealMiB.toFixed(0)} MiB ` +
          `before the seal, ${result.rssAfterSealMiB.toFixed(0)} MiB right after it; Buffers awaiting collection ` +
          `peaked at ${result.sendingPeakArrayBuffersMiB.toFixed(0)} MiB`,
      );
      record(
        `the seal itself (notices rendered in the worker thread; ${how})`,
        `peak RSS ${result.sealPeakRssMiB.toFixed(0)} MiB`,
        `${result.sealMs.toFixed(0)} ms; kernel max RSS ${result.maxRssBeforeSealMiB.toFixed(0)} MiB before sealing ` +
          `and ${result.maxRssMiB.toFixed(0)} MiB over the whole process`,
      );
      console.log(`memory breakdown, ${how} (MiB): ${JSON.stringify(result.usage)}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}

function runSender(script: string, input: SenderInput, ms: number): Promise<SenderResult> {
  return new Promise((resolve, reject) => {
    const flags = process.env.SYNC_GC_BEFORE_SEAL ? ['--expose-gc'] : [];
    const child = spawn(process.execPath, [...flags, script, JSON.stringify(input)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (data: Buffer) => (out += data.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0) resolve(JSON.parse(line) as SenderResult);
      else reject(new Error(`sender exited with ${code ?? signal}${signal === 'SIGKILL' ? ` after ${ms} ms` : ''}`));
    });
  });
}

/**
 * The sender runs as the product does: JavaScript against the compiled core in dist/
 * (`npm run bench` builds first). Its own few files are transpiled next to it, into
 * dist/bench/, so their `../src-main/….ts` imports land on dist/src-main/….js.
 */
async function compileSender(): Promise<string> {
  const { default: ts } = await import('typescript');
  // sync-hall.ts adds files through the test fixture that sends them in chunks (uploads.*).
  const files = ['support.ts', 'desk.ts', 'large-file.ts', 'sync-hall.ts', 'sync-sender.ts'].map((name) =>
    join('bench', name),
  );
  files.push(join('tests', 'fixtures', 'uploads.ts'));
  for (const file of files) {
    const out = join(ROOT, 'dist', dirname(file));
    mkdirSync(out, { recursive: true });
    const name = basename(file);
    const { outputText } = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
      fileName: name,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2023,
        rewriteRelativeImportExtensions: true,
        verbatimModuleSyntax: true,
      },
    });
    writeFileSync(join(out, name.replace(/\.ts$/, '.js')), outputText);
  }
  return join(ROOT, 'dist', 'bench', 'sync-sender.js');
}
