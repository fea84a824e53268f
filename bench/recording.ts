// The counter session's recording (#14): real Chromium against the built browser host, its
// fake camera playing a generated 1280×720 video with motion at the recorder's 15 frames a
// second, and Chromium's fake microphone.
//
// 1. Live: a clerk opens a 社会保障卡申领 draft, so the window records the camera
//    (MediaRecorder, 4-s WebM segments) and the screen (rrweb), and keeps working in it (a
//    field typed every half minute) for BENCH_RECORDING_MINUTES (default 10). Every 30 s:
//    the CPU of the renderer, of Chromium's other processes and of the core (the host
//    process), from /proc/<pid>/stat; each minute the page's JS heap and the renderer's
//    RSS after a GC. Then the segments the core stored (read from its database beside it):
//    bytes per hour of each track, the blobs directory's growth, gaps.
// 2. Player: in a fresh data directory a clerk takes an intake through every step for real
//    (BENCH_RECORDING_SOURCE_SECONDS, default 90, of recording); with the host stopped, that
//    material is logged again as a one-hour session through the real SessionRecorder and
//    EventLog (the SessionIndex folding it) on a clock moved through the hour: the camera
//    segments again and again (the same bytes, one blob), the screen segments with their rrweb
//    events' timestamps shifted, the intake's own events spread over the hour as chapters. A
//    supervisor (made through the installer's 用户管理) opens it in 会话抽查: the time from the
//    click on the session to the player region's `data-ready="true"` (target under 1 s), and
//    from a click on a chapter marker to its `data-seek-done` counter moving (under 300 ms).
//
// `BENCH_RECORDING_PARTS=live` or `=player` runs one part.
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { decodeMessage } from '../src-main/api/wire.ts';
import {
  RECORDING_GAP,
  RECORDING_SEGMENT,
  RECORDING_STARTED,
  RECORDING_STOPPED,
  RecordingSegmentPayload,
  RecordingStartedPayload,
} from '../src-main/common/recording.ts';
import { sessionChapters } from '../src-main/common/session-chapters.ts';
import { EventLog } from '../src-main/recording/event-log.ts';
import { SessionRecorder } from '../src-main/recording/session-recorder.ts';
import { SessionIndex } from '../src-main/recording/sessions.ts';
import { BlobStore } from '../src-main/store/blob-store.ts';
import { openDatabase, type Database } from '../src-main/store/database.ts';
import { deriveStoreKeys } from '../src-main/store/keys.ts';
import { writeDocumentVideo } from '../tests/e2e/fake-camera.ts';
import { memory, type Memory } from './capture.ts';
import { PASSWORD, scannedPage } from './desk.ts';
import { fillForm, openSocialSecurityCard, seedAccounts, signIn, toMaterials, typeApplicant } from './desk-page.ts';
import { hostPage, median, MiB, record, workDir } from './support.ts';

const MINUTES = Number(process.env.BENCH_RECORDING_MINUTES ?? 10);
const SOURCE_SECONDS = Number(process.env.BENCH_RECORDING_SOURCE_SECONDS ?? 90);
const PARTS = (process.env.BENCH_RECORDING_PARTS ?? 'live,player').split(',');
const SAMPLE_MS = 30_000;
const HOUR_MS = 3_600_000;
const WIDTH = 1280;
const HEIGHT = 720;
/** The counter camera asks for 15 frames a second (devices/countercam/camera.ts): one second of video, looped. */
const FPS = 15;
const SUPERVISOR_PASSWORD = 'Super#2026a';
const PLAYER = 'section[aria-label="录像回放"]';

const mib = (bytes: number) => (bytes / MiB).toFixed(0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A second of 1280×720 video at 15 frames a second: the desk scene of the document camera's
 * tests, panning sideways, with a dark block (someone at the counter) crossing it, so the
 * encoder has motion to code. 15 frames of 1.4 MB; Chromium plays them in a loop.
 */
function writeCounterVideo(file: string): string {
  const still = writeDocumentVideo(file, { width: WIDTH, height: HEIGHT, frames: 1, qrText: 'COUNTER' });
  const bytes = readFileSync(still.file);
  const start = bytes.indexOf('FRAME\n') + 'FRAME\n'.length;
  const frame = bytes.subarray(start, start + (WIDTH * HEIGHT * 3) / 2);
  const planes = [
    { offset: 0, width: WIDTH, height: HEIGHT },
    { offset: WIDTH * HEIGHT, width: WIDTH / 2, height: HEIGHT / 2 },
    { offset: (WIDTH * HEIGHT * 5) / 4, width: WIDTH / 2, height: HEIGHT / 2 },
  ];
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < FPS; f++) {
    const out = Buffer.alloc(frame.length);
    for (const [p, plane] of planes.entries()) {
      const shift = ((f * 12) / (p === 0 ? 1 : 2)) % plane.width;
      for (let y = 0; y < plane.height; y++) {
        const row = plane.offset + y * plane.width;
        frame.copy(out, row + shift, row, row + plane.width - shift);
        frame.copy(out, row, row + plane.width - shift, row + plane.width);
      }
    }
    // The block: dark, 240×400, from the left to the right in the second.
    const left = Math.round((f / FPS) * (WIDTH - 240));
    for (let y = 200; y < 600; y++) out.fill(40 + ((y >> 4) % 2) * 30, y * WIDTH + left, y * WIDTH + left + 240);
    parts.push(Buffer.from('FRAME\n'), out);
  }
  writeFileSync(file, Buffer.concat(parts));
  return file;
}

/** Processor time of a process so far, in clock ticks (utime + stime of /proc/<pid>/stat); 0 once it is gone. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** Chromium's processes now, by type (browser, renderer, gpu-process, utility …), from CDP. */
async function chromiumProcesses(browser: Browser): Promise<{ type: string; id: number }[]> {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  await cdp.detach();
  return processInfo.filter((p) => p.id > 0);
}

interface CpuReading {
  at: number;
  ticks: Map<number, number>;
  groups: Map<number, 'renderer' | 'chromium' | 'core'>;
}

async function readCpu(browser: Browser, hostPid: number): Promise<CpuReading> {
  const groups = new Map<number, 'renderer' | 'chromium' | 'core'>([[hostPid, 'core']]);
  for (const p of await chromiumProcesses(browser)) groups.set(p.id, p.type === 'renderer' ? 'renderer' : 'chromium');
  const ticks = new Map([...groups.keys()].map((pid) => [pid, cpuTicks(pid)]));
  return { at: performance.now(), ticks, groups };
}

/** Percent of one core used by each group between two readings (processes present in both). */
function cpuBetween(a: CpuReading, b: CpuReading): Record<'renderer' | 'chromium' | 'core', number> {
  const seconds = (b.at - a.at) / 1000;
  const used = { renderer: 0, chromium: 0, core: 0 };
  for (const [pid, group] of b.groups) {
    const before = a.ticks.get(pid);
    const after = b.ticks.get(pid);
    if (before === undefined || after === undefined || after < before) continue;
    used[group] += ((after - before) / TICKS_PER_SECOND / seconds) * 100;
  }
  return used;
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

/** The host's store opened beside it (WAL: the host writes on), with the key file it made. */
function openStore(dataDir: string): { db: Database; blobs: BlobStore; evidenceKey: Buffer } {
  const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const db = openDatabase({ file: join(dataDir, 'db', 'tongban.db'), key: keys.databaseKey, backupDir: tmpdir() });
  return { db, blobs: new BlobStore(join(dataDir, 'blobs'), keys.blobKey), evidenceKey: keys.evidenceKey };
}

function loggedKinds(db: Database, kind: string): { stream: string; payload: string }[] {
  return db
    .prepare<[string], { stream: string; payload: string }>(
      'SELECT stream, payload FROM event_log WHERE kind = ? ORDER BY stream, seq',
    )
    .all(kind);
}

/** The clerk signed in and a new 社会保障卡申领 opened, recording. */
async function openDraft(page: Page): Promise<void> {
  await openSocialSecurityCard(page);
  await page.locator('.recording-state').getByRole('button', { name: '录制中' }).waitFor({ timeout: 30_000 });
}

const gcFlags = ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--js-flags=--expose-gc'];

// ── 1. live ────────────────────────────────────────────────────────────────

async function benchLive(dir: string, video: string): Promise<void> {
  const dataDir = join(dir, 'live');
  await seedAccounts(dataDir);
  const { page, browser, hostPid, close } = await hostPage(dataDir, [
    ...gcFlags,
    `--use-file-for-fake-video-capture=${video}`,
  ]);
  try {
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openDraft(page);
    await typeApplicant(page);
    const blobsDir = join(dataDir, 'blobs');
    const dbDir = join(dataDir, 'db');
    const disk0 = { blobs: dirBytes(blobsDir), db: dirBytes(dbDir), at: performance.now() };
    const started = performance.now();
    const cpu: Record<'renderer' | 'chromium' | 'core', number>[] = [];
    const marks: { minute: number; memory: Memory }[] = [];
    let reading = await readCpu(browser, hostPid);
    const samples = Math.max(1, Math.round((MINUTES * 60_000) / SAMPLE_MS));
    for (let i = 1; i <= samples; i++) {
      await sleep(started + i * SAMPLE_MS - performance.now());
      const next = await readCpu(browser, hostPid);
      cpu.push(cpuBetween(reading, next));
      // Each minute: the memory after a GC (its own CPU falls outside the windows measured).
      if (i % 2 === 0 || i === samples) {
        marks.push({ minute: (i * SAMPLE_MS) / 60_000, memory: await memory(page, browser, hostPid) });
      }
      // The clerk at work: the address typed again (an autosave, rrweb's input events). Clicked
      // and keyed, not only filled: the window's idle lock (10 min) counts pointer and key events.
      const address = page.getByLabel('住址');
      await address.click();
      await address.fill(`四川省成都市锦江区红星路一段${i + 1}号`);
      await address.press('End');
      reading = await readCpu(browser, hostPid);
    }
    const elapsedMs = performance.now() - started;
    await page.getByRole('button', { name: '返回今日队列' }).click();
    const store = openStore(dataDir);
    try {
      const deadline = Date.now() + 30_000;
      while (loggedKinds(store.db, RECORDING_STOPPED).length === 0 && Date.now() < deadline) await sleep(500);
      const segments = loggedKinds(store.db, RECORDING_SEGMENT).map((row) =>
        RecordingSegmentPayload.parse(JSON.parse(row.payload)),
      );
      const gaps = loggedKinds(store.db, RECORDING_GAP);
      // From before the first window to after the stop: the segments stored in between cover that time.
      const disk1 = { blobs: dirBytes(blobsDir), db: dirBytes(dbDir), at: performance.now() };
      const diskMs = disk1.at - disk0.at;
      const track = (name: 'camera' | 'screen') => {
        const list = segments.filter((s) => s.track === name);
        const bytes = list.reduce((sum, s) => sum + s.bytes, 0);
        const spanMs =
          list.length > 0 ? Math.max(...list.map((s) => s.endMs)) - Math.min(...list.map((s) => s.startMs)) : 0;
        return { count: list.length, bytes, spanMs, perHour: spanMs > 0 ? (bytes / spanMs) * HOUR_MS : 0 };
      };
      const camera = track('camera');
      const screen = track('screen');
      const mean = (group: 'renderer' | 'chromium' | 'core') => cpu.reduce((sum, c) => sum + c[group], 0) / cpu.length;
      const peak = (group: 'renderer' | 'chromium' | 'core') => Math.max(...cpu.map((c) => c[group]));
      const label = `recording ${MINUTES} min at ${WIDTH}×${HEIGHT}`;
      record(
        `${label}: CPU, renderer (MediaRecorder + rrweb)`,
        `mean ${mean('renderer').toFixed(0)} % of a core, worst 30 s ${peak('renderer').toFixed(0)} %`,
        `${cpu.length} windows of 30 s; ${TICKS_PER_SECOND} ticks/s; each: ${cpu.map((c) => c.renderer.toFixed(0)).join(' ')}`,
      );
      record(
        `${label}: CPU, core (browser host: uploads, encrypt, hash, fsync, log)`,
        `mean ${mean('core').toFixed(1)} % of a core, worst 30 s ${peak('core').toFixed(1)} %`,
      );
      record(
        `${label}: CPU, Chromium's other processes (browser, capture, audio)`,
        `mean ${mean('chromium').toFixed(0)} % of a core, worst 30 s ${peak('chromium').toFixed(0)} %`,
      );
      const first = marks[0]!;
      const last = marks.at(-1)!;
      const series = (pick: (m: Memory) => number) => marks.map((m) => mib(pick(m.memory))).join(' → ');
      const at = `min ${marks.map((m) => m.minute).join(' → ')}`;
      record(
        `${label}: page's JS heap after GC, ${at}`,
        `${series((m) => m.heap)} MiB`,
        `target: memory flat; ${first.minute} min → end ${((last.memory.heap - first.memory.heap) / MiB).toFixed(1)} MiB`,
      );
      record(
        `${label}: renderer RSS, ${at}`,
        `${series((m) => m.renderer)} MiB`,
        `target: memory flat; ${first.minute} min → end ${((last.memory.renderer - first.memory.renderer) / MiB).toFixed(0)} MiB`,
      );
      record(
        `${label}: core RSS / Chromium browser process RSS, ${at}`,
        `${series((m) => m.core)} / ${series((m) => m.chromium)} MiB`,
        'target: memory flat; no GC forced in the host',
      );
      record(
        `${label}: segments stored`,
        `camera ${camera.count}, screen ${screen.count}`,
        `over ${(camera.spanMs / 60_000).toFixed(1)} min of camera, ${(screen.spanMs / 60_000).toFixed(1)} min of screen; ${(elapsedMs / 60_000).toFixed(1)} min measured`,
      );
      record(
        `${label}: bytes stored per hour of recording`,
        `camera ${mib(camera.perHour)} MiB/h, screen ${(screen.perHour / MiB).toFixed(1)} MiB/h`,
        `segments' bytes over their span; camera ${((camera.bytes / camera.count || 0) / 1024).toFixed(0)} KiB a segment, screen ${((screen.bytes / screen.count || 0) / 1024).toFixed(1)} KiB`,
      );
      const diskPerHour = ((disk1.blobs - disk0.blobs + disk1.db - disk0.db) / diskMs) * HOUR_MS;
      record(
        `${label}: disk used per hour (blobs dir + database, encrypted)`,
        `${mib(diskPerHour)} MiB/h`,
        `blobs +${mib(disk1.blobs - disk0.blobs)} MiB, database and WAL +${((disk1.db - disk0.db) / MiB).toFixed(1)} MiB in ${(diskMs / 60_000).toFixed(1)} min`,
      );
      record(
        `${label}: gaps logged`,
        gaps.length === 0 ? 'none' : `${gaps.length}: ${gaps.map((g) => g.payload).join('; ')}`,
      );
    } finally {
      store.db.close();
    }
  } finally {
    await close();
  }
}

// ── 2. player ──────────────────────────────────────────────────────────────

/** A clerk takes an intake through every step, for real, over about SOURCE_SECONDS of recording; a supervisor is made. */
async function recordSource(dataDir: string, video: string): Promise<void> {
  const { page, close } = await hostPage(dataDir, [...gcFlags, `--use-file-for-fake-video-capture=${video}`]);
  try {
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openDraft(page);
    const pause = () => sleep((SOURCE_SECONDS * 1000) / 5);
    await typeApplicant(page);
    await pause();
    await fillForm(page);
    await pause();
    await toMaterials(page);
    for (const [i, [material, name]] of [
      ['申请人居民身份证', '身份证正反面.png'],
      ['近期免冠彩色证件照片', '证件照.png'],
    ].entries()) {
      const group = page.getByRole('group', { name: material! });
      await group.getByRole('button', { name: '按应交份数收齐' }).click();
      await group
        .getByLabel('上传文件')
        .setInputFiles({ name: name!, mimeType: 'image/png', buffer: scannedPage(i + 1) });
      await group.getByRole('button', { name: `移除“${name}”` }).waitFor();
    }
    await pause();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { level: 3, name: '形式审查' }).waitFor();
    for (const radio of await page.getByRole('radio', { name: '符合', exact: true }).all()) await radio.check();
    await page.getByRole('button', { name: '开始审查' }).click();
    await page.getByRole('heading', { name: '审查结论：收件' }).waitFor({ timeout: 30_000 });
    await pause();
    await page.getByRole('button', { name: '封装', exact: true }).click();
    await page.getByRole('button', { name: '确认封装' }).click();
    await page.getByRole('heading', { name: '已封装' }).waitFor({ timeout: 60_000 });
    await page.getByText(/回执已打印（/).waitFor({ timeout: 30_000 });
    await pause();
    await page.getByRole('button', { name: '返回今日队列' }).click();
    const store = openStore(dataDir);
    try {
      const deadline = Date.now() + 30_000;
      while (loggedKinds(store.db, RECORDING_STOPPED).length === 0 && Date.now() < deadline) await sleep(500);
    } finally {
      store.db.close();
    }
    await page.getByRole('button', { name: '退出登录' }).click();
    // The installer opens a supervisor's account (tests/e2e/supervision.spec.ts).
    await signIn(page, 'admin', PASSWORD);
    await page.getByRole('button', { name: '用户管理' }).click();
    await page.getByLabel('用户名').fill('super01');
    await page.getByLabel('姓名').fill('刘督查');
    await page.getByLabel('岗位角色').selectOption({ label: '审核督查' });
    await page.getByLabel('初始密码').fill(SUPERVISOR_PASSWORD);
    await page.getByRole('button', { name: '创建用户' }).click();
    await page.getByText('已创建用户 super01').waitFor();
    await page.getByRole('button', { name: '退出登录' }).click();
  } finally {
    await close();
  }
}

interface HourSession {
  draftId: string;
  cameraSegments: number;
  screenSegments: number;
  chapters: string[];
  sourceMs: number;
  buildMs: number;
}

/**
 * The recorded session logged again as one hour, in the same data directory (the host
 * stopped), through the SessionRecorder and the EventLog on a clock moved through the hour.
 */
async function buildHour(dataDir: string): Promise<HourSession> {
  const built = performance.now();
  const { db, blobs, evidenceKey } = openStore(dataDir);
  try {
    let wall = 0;
    let startMs = 0;
    const clock = { now: () => wall, monotonic: () => wall - startMs };
    const events = new EventLog(db, clock, evidenceKey);
    new SessionIndex(db, events);
    const recorder = new SessionRecorder({ db, blobs, events, clock, streamOf: (id) => `session:${id}` });
    const sealed = db
      .prepare<[], { stream: string }>("SELECT stream FROM event_log WHERE kind = 'intake.sealed' LIMIT 1")
      .get();
    if (!sealed) throw new Error('the source session was not sealed');
    const source = [...events.read(sealed.stream)];
    const segments = source
      .filter((e) => e.kind === RECORDING_SEGMENT)
      .map((e) => RecordingSegmentPayload.parse(e.payload));
    const camera = segments.filter((s) => s.track === 'camera');
    const screen = segments.filter((s) => s.track === 'screen');
    const steps = source.filter((e) => !e.kind.startsWith('recording.'));
    const stopReason = String(source.findLast((e) => e.kind === RECORDING_STOPPED)?.payload['reason'] ?? 'sealed');
    const startedPayload = RecordingStartedPayload.parse(source.find((e) => e.kind === RECORDING_STARTED)!.payload);
    if (camera.length === 0 || screen.length === 0)
      throw new Error('the source session has no camera or screen segment');
    // One loop of the material: from the first camera segment's start to the last's end.
    const from = camera[0]!.startMs;
    const period = camera.at(-1)!.endMs - from;
    const screenFrom = screen[0]!.startMs;
    const looped = screen.filter((s) => s.endMs <= screenFrom + period);
    // Two hours before the source, the same hall day or the one before.
    startMs = Math.floor((steps[0]!.wallMs - 2 * HOUR_MS) / 1000) * 1000;
    const end = startMs + HOUR_MS;
    const offset = (loop: number) => startMs + (from - steps[0]!.wallMs) + loop * period - from;

    type Item = { at: number; run: () => Promise<void> | void };
    const items: Item[] = [];
    const draftId = randomUUID();
    const actor = { userId: 2, username: steps[0]!.actor };
    // The intake's steps spread evenly over the hour, the first at its start, so each chapter
    // has its own place on the timeline. The demo's card reader is not driven here: a reading
    // is logged after the start, as IntakeService.useCard logs it.
    const logged = steps.map((e) => ({ actor: e.actor, kind: e.kind, payload: e.payload }));
    logged.splice(1, 0, {
      actor: steps[0]!.actor,
      kind: 'identity.cardRead',
      payload: {
        who: 'applicant',
        readId: randomUUID(),
        readAt: 0,
        cardType: 'resident',
        fieldsSha256: createHash('sha256').update('李小梅').digest('hex'),
        photo: true,
        findings: [],
      },
    });
    // The one before last (the seal) 5 s before the hour's end, the last (the receipt) 2 s after it.
    const stepEvery = (HOUR_MS - 5000) / (logged.length - 2);
    for (const [i, step] of logged.entries()) {
      const at = startMs + (i === logged.length - 1 ? HOUR_MS - 3000 : Math.round(i * stepEvery));
      if (step.kind === 'identity.cardRead') step.payload = { ...step.payload, readAt: at };
      items.push({
        at,
        run: () => void events.append({ stream: `session:${draftId}`, ...step }),
      });
    }
    const startedAt = startMs + (source.find((e) => e.kind === RECORDING_STARTED)!.wallMs - steps[0]!.wallMs);
    items.push({ at: startedAt, run: () => recorder.start(actor, draftId, startedPayload) });
    const cameraBytes = new Map<string, Buffer>();
    for (const segment of camera) cameraBytes.set(segment.sha256, await blobs.read(segment.sha256));
    let cameraCount = 0;
    let screenCount = 0;
    const add = (segment: RecordingSegmentPayload, shift: number, bytes: () => Promise<Buffer>) =>
      items.push({
        // Logged as the window's upload of it arrives, a moment after its end.
        at: segment.endMs + shift + 300,
        run: async () => {
          const data = await bytes();
          await recorder.addSegment(
            actor,
            draftId,
            {
              segmentId: randomUUID(),
              track: segment.track,
              mediaType: segment.mediaType,
              startMs: segment.startMs + shift,
              endMs: segment.endMs + shift,
            },
            { size: data.length, store: () => blobs.put(data) },
          );
        },
      });
    for (let loop = 0; offset(loop) + from < end; loop++) {
      const shift = offset(loop);
      for (const segment of camera) {
        if (segment.startMs + shift >= end) break;
        cameraCount++;
        add(segment, shift, async () => cameraBytes.get(segment.sha256)!);
      }
      for (const segment of looped) {
        if (segment.startMs + shift >= end) break;
        screenCount++;
        add(segment, shift, async () => {
          const events = JSON.parse((await blobs.read(segment.sha256)).toString('utf8')) as { timestamp?: number }[];
          for (const event of events) if (typeof event.timestamp === 'number') event.timestamp += shift;
          return Buffer.from(JSON.stringify(events), 'utf8');
        });
      }
    }
    items.sort((a, b) => a.at - b.at);
    items.push({ at: items.at(-1)!.at + 1000, run: () => recorder.stop(actor, draftId, stopReason) });
    for (const item of items) {
      wall = Math.max(wall, item.at);
      await item.run();
    }
    const stream = `session:${draftId}`;
    const verified = events.verify(stream);
    if (!verified.ok) throw new Error(`the hour's chain does not verify: ${JSON.stringify(verified)}`);
    const { chapters } = sessionChapters([...events.read(stream)]);
    return {
      draftId,
      cameraSegments: cameraCount,
      screenSegments: screenCount,
      chapters: chapters.map((c) => c.kind),
      sourceMs: period,
      buildMs: performance.now() - built,
    };
  } finally {
    db.close();
  }
}

interface PlayerWatch {
  clickAt: number | null;
  readyAt: number | null;
  seeks: { count: number; at: number }[];
}

/** In the page: when a click lands (capture phase), when the player turns ready, each move of its seek counter. */
function watchPlayer(selector: string): void {
  const watch: PlayerWatch = { clickAt: null, readyAt: null, seeks: [] };
  (window as unknown as { __player: PlayerWatch }).__player = watch;
  document.addEventListener('click', () => (watch.clickAt = performance.now()), true);
  let lastCount = -1;
  const check = () => {
    const player = document.querySelector(selector);
    if (!player || player.getAttribute('data-ready') !== 'true') {
      if (!player) lastCount = -1;
    } else if (watch.readyAt === null) watch.readyAt = performance.now();
    const count = Number(player?.getAttribute('data-seek-done') ?? -1);
    if (player && count !== lastCount) {
      lastCount = count;
      watch.seeks.push({ count, at: performance.now() });
    }
  };
  new MutationObserver(check).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-ready', 'data-seek-done'],
  });
}

interface Call {
  method: string;
  sentAt: number;
  answeredAt?: number;
  bytes?: number;
}

/** The page's contract calls over the host's WebSocket, with when each went and came back (Node's clock). */
function watchCalls(page: Page): Call[] {
  const calls: Call[] = [];
  const open = new Map<number, Call>();
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (typeof payload === 'string') return;
      const message = decodeMessage(payload) as { type?: string; id?: number; method?: string };
      if (message.type !== 'call' || message.id === undefined) return;
      const call: Call = { method: message.method ?? '?', sentAt: Date.now() };
      calls.push(call);
      open.set(message.id, call);
    });
    socket.on('framereceived', ({ payload }) => {
      if (typeof payload === 'string') return;
      const message = decodeMessage(payload) as { type?: string; id?: number };
      const call = message.type === 'result' && message.id !== undefined ? open.get(message.id) : undefined;
      if (!call) return;
      open.delete(message.id!);
      call.answeredAt = Date.now();
      call.bytes = payload.length;
    });
  });
  return calls;
}

/** The calls of a span, by method: how many, the bytes answered, when the first went and the last came back (ms from `from`). */
function callsBetween(calls: Call[], from: number, to: number): string {
  const within = calls.filter((c) => c.sentAt >= from && c.sentAt <= to);
  const methods = [...new Set(within.map((c) => c.method))];
  return methods
    .map((method) => {
      const these = within.filter((c) => c.method === method);
      const bytes = these.reduce((sum, c) => sum + (c.bytes ?? 0), 0);
      const last = Math.max(...these.map((c) => c.answeredAt ?? Number.NaN));
      return `${method} ×${these.length} (${(bytes / 1024).toFixed(0)} KiB) +${these[0]!.sentAt - from}→+${Number.isNaN(last) ? '?' : last - from} ms`;
    })
    .join('; ');
}

const readWatch = (page: Page) => page.evaluate(() => (window as unknown as { __player: PlayerWatch }).__player);

async function benchPlayer(dir: string, video: string): Promise<void> {
  const dataDir = join(dir, 'player');
  await seedAccounts(dataDir);
  await recordSource(dataDir, video);
  const hour = await buildHour(dataDir);
  const blobsBytes = dirBytes(join(dataDir, 'blobs'));
  record(
    'player: a one-hour session built from real recorded material',
    `${hour.cameraSegments} camera + ${hour.screenSegments} screen segments, ${hour.chapters.length} chapters (${hour.chapters.join(', ')})`,
    `${(hour.sourceMs / 1000).toFixed(0)} s of a real intake (every step) looped over the hour through SessionRecorder.addSegment and EventLog.append, its steps spread over it; built in ${(hour.buildMs / 1000).toFixed(1)} s; blobs ${mib(blobsBytes)} MiB`,
  );
  rmSync(join(dataDir, '.url'), { force: true });
  const { page, close } = await hostPage(dataDir);
  try {
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    const calls = watchCalls(page);
    await signIn(page, 'super01', SUPERVISOR_PASSWORD);
    const open = page.locator(`button[data-draft="${hour.draftId}"]`);
    await open.waitFor({ timeout: 30_000 });
    await page.evaluate('globalThis.__name = (f) => f');
    await page.evaluate(watchPlayer, PLAYER);
    const clickedAt = Date.now();
    await open.click();
    const player = page.locator(PLAYER);
    try {
      await page.locator(`${PLAYER}[data-ready="true"]`).waitFor({ timeout: 60_000 });
    } catch {
      record(
        'player: open a one-hour session → ready',
        'not measured',
        `no ${PLAYER} turned data-ready="true" in 60 s: the session player is not on this build`,
      );
      return;
    }
    const opened = await readWatch(page);
    // Ready means both views show their first picture "or why not": say which.
    const notes = await player.locator('.player-note').evaluateAll((found) => found.map((n) => n.className));
    record(
      'player: open a one-hour session → first frame and screen shown',
      `${(opened.readyAt! - opened.clickAt!).toFixed(0)} ms`,
      `target < 1 s; click on the session in the list to data-ready="true"; ${notes.length === 0 ? 'both views showing a picture' : `notes shown: ${notes.join(', ')}`}`,
    );
    record(
      "player: the calls of the open, from the click (Node's clock, ±10 ms)",
      callsBetween(calls, clickedAt, clickedAt + (opened.readyAt! - opened.clickAt!) + 50),
    );
    const markers = player.locator('button[data-chapter-index]');
    const count = await markers.count();
    if (count < 2) {
      record('player: jump to a chapter', 'not measured', `${count} chapter marker(s) in the player`);
      return;
    }
    // Across the hour, forwards and backwards: last, first, middle, second, one before last …
    const order = [count - 1, 0, Math.floor(count / 2), 1, count - 2, Math.floor(count / 3), count - 1, 2 % count];
    const jumps: { index: number; ms: number; calls: number }[] = [];
    for (const index of order) {
      const before = await readWatch(page);
      const seekCount = before.seeks.at(-1)?.count ?? -1;
      // Dispatched on the marker itself: markers of steps close in time may overlap on the bar.
      const jumpedAt = Date.now();
      await player.locator(`button[data-chapter-index="${index}"]`).evaluate((button: HTMLElement) => button.click());
      await page.waitForFunction(
        ([n, seen]) => {
          const w = (window as unknown as { __player: PlayerWatch }).__player;
          return w.seeks.length > seen && w.seeks.at(-1)!.count > n;
        },
        [seekCount, before.seeks.length] as const,
        { timeout: 30_000, polling: 50 },
      );
      const after = await readWatch(page);
      const done = after.seeks.slice(before.seeks.length).find((s) => s.count > seekCount)!;
      const ms = done.at - after.clickAt!;
      const reads = calls.filter((c) => c.sentAt >= jumpedAt && c.sentAt <= jumpedAt + ms + 20).length;
      jumps.push({ index, ms, calls: reads });
      await sleep(500);
    }
    const times = jumps.map((j) => j.ms);
    record(
      'player: jump to a chapter → video and screen at the target',
      `median ${median(times).toFixed(0)} ms, worst ${Math.max(...times).toFixed(0)} ms`,
      `target < 300 ms; ${count} markers; each (marker: ms, calls made meanwhile): ${jumps.map((j) => `${j.index}: ${j.ms.toFixed(0)}, ${j.calls}`).join('; ')}`,
    );
  } finally {
    await close();
  }
}

export async function benchRecording(): Promise<void> {
  const dir = workDir();
  const video = writeCounterVideo(join(dir, 'counter.y4m'));
  if (PARTS.includes('live')) await benchLive(dir, video);
  if (PARTS.includes('player')) await benchPlayer(dir, video);
}
