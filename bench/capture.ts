// The document camera as the clerk gets it (#13): real Chromium against the built browser
// host, its fake camera playing a generated 3264×2448 video of a page on a desk
// (tests/e2e/fake-camera.ts). Measured in the page: from the shutter key's keydown to the
// straightened thumbnail (the preview) decoded in the capture panel (target under 400 ms
// on 2 cores), and to the full-resolution page that is filed. Then 100 pages filed through the panel, and the memory of the window
// (the page's JS heap after a GC, the renderer's and Chromium's resident memory) and of the
// core (the host process's RSS) after 10 → 50 → 100 pages (target: flat). Then the draft
// is reviewed and sealed through the UI, its 100 pages bound into one PDF in the core's
// render worker: the seal's time and the core's peak RSS during it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { writeDocumentVideo } from '../tests/e2e/fake-camera.ts';
import { scannedPage } from './desk.ts';
import { fillForm, openSocialSecurityCard, seedAccounts, toMaterials, typeApplicant } from './desk-page.ts';
import { hostPage, median, MiB, record, workDir } from './support.ts';

const WIDTH = 3264;
const HEIGHT = 2448;
/** Shutter presses timed on their own (each result discarded with 重拍). */
const SHUTTERS = Number(process.env.CAPTURE_SHUTTERS ?? 10);
/** Pages filed through the panel. */
const PAGES = Number(process.env.CAPTURE_PAGES ?? 100);
const MARKS = new Set([10, 50, PAGES]);

interface Sample {
  /** The preview (the page straightened from the corner view's copy) decoded; null if none came first. */
  preview: number | null;
  decoded: number;
  painted: number;
  /** Each step after the key, in ms from it: the camera's photo, the worker's still and rectify requests. */
  steps: Record<string, number>;
}

interface BenchWindow {
  __bench: {
    keyAt: number | null;
    preview: number | null;
    steps: Record<string, number>;
    samples: Sample[];
    images: number;
    photo: string;
  };
}

/** What a process holds in RAM now, from /proc (Linux). */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** The kernel's peak RSS of a process since its start or the last `resetPeak`. */
function peakOf(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Resets VmHWM to the current RSS (clear_refs 5). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

const mib = (bytes: number) => (bytes / MiB).toFixed(0);

/** The clerk signed in and a new 社会保障卡申领 walked to 收取材料, as tests/e2e/flows.ts does. */
async function openMaterials(page: Page): Promise<void> {
  await openSocialSecurityCard(page);
  await typeApplicant(page);
  await fillForm(page);
  await toMaterials(page);
}

/**
 * In the page: the time of each shutter key's keydown (a capture listener, before the
 * panel's own), and for each new straightened page shown, when its image was decoded and
 * the frame after that.
 */
function instrument(): void {
  const bench: BenchWindow['__bench'] = { keyAt: null, preview: null, steps: {}, samples: [], images: 0, photo: '' };
  (window as unknown as BenchWindow).__bench = bench;
  const step = (name: string) => {
    if (bench.keyAt !== null && !(name in bench.steps)) bench.steps[name] = performance.now() - bench.keyAt;
  };
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== ' ' && event.key !== 'PageDown' && event.key !== 'F9') return;
      bench.keyAt = performance.now();
      bench.preview = null;
      bench.steps = {};
    },
    true,
  );
  // Where the time goes: the camera's photo and the doccam worker's answers.
  const capture = (globalThis as { ImageCapture?: { prototype: { takePhoto: () => Promise<Blob> } } }).ImageCapture;
  if (capture) {
    const takePhoto = capture.prototype.takePhoto;
    capture.prototype.takePhoto = function (this: unknown) {
      step('photo asked');
      return takePhoto.call(this).then(
        (blob) => {
          if ('photo asked' in bench.steps) step('photo taken');
          bench.photo = `${blob.type}, ${(blob.size / 1048576).toFixed(1)} MiB`;
          return blob;
        },
        (error: unknown) => {
          step('photo failed');
          throw error;
        },
      );
    };
  }
  // The still's pixels read from the picture (a large getImageData), and its small JPEG for the corner view.
  const context = OffscreenCanvasRenderingContext2D.prototype;
  const getImageData = context.getImageData;
  context.getImageData = function (this: OffscreenCanvasRenderingContext2D, ...args: Parameters<typeof getImageData>) {
    const data = getImageData.apply(this, args);
    if (data.width * data.height > 4_000_000) step('still read');
    return data;
  };
  const convertToBlob = OffscreenCanvas.prototype.convertToBlob;
  OffscreenCanvas.prototype.convertToBlob = function (
    this: OffscreenCanvas,
    ...args: Parameters<typeof convertToBlob>
  ) {
    return convertToBlob.apply(this, args).then((blob) => (step('still view encoded'), blob));
  };
  const kinds = new Map<number, string>();
  const watched = new WeakSet<Worker>();
  const postMessage = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
    const request = message as { id?: number; kind?: string };
    if (request.kind === 'preview' || request.kind === 'still' || request.kind === 'rectify') {
      kinds.set(request.id!, request.kind);
      step(`${request.kind} sent`);
    }
    if (!watched.has(this)) {
      watched.add(this);
      this.addEventListener('message', (event: MessageEvent<{ id: number }>) => {
        const kind = kinds.get(event.data.id);
        if (kind) step(`${kind} answered`);
      });
    }
    return (postMessage as (...args: unknown[]) => void).call(this, message, ...rest);
  };
  let last = '';
  new MutationObserver(() => {
    const img = document.querySelector<HTMLImageElement>('img.capture-page');
    if (!img || img.src === last) return;
    last = img.src;
    const keyAt = bench.keyAt;
    if (img.dataset.preview === 'true') {
      img.decode().then(
        () => {
          if (keyAt !== null && bench.keyAt === keyAt) bench.preview = performance.now() - keyAt;
        },
        () => undefined,
      );
      return;
    }
    const steps = bench.steps;
    const preview = bench.preview;
    bench.keyAt = null;
    img.decode().then(
      () => {
        const decoded = performance.now();
        requestAnimationFrame(() => {
          if (keyAt !== null)
            bench.samples.push({ preview, decoded: decoded - keyAt, painted: performance.now() - keyAt, steps });
          bench.images++;
        });
      },
      () => bench.images++,
    );
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['src'] });
}

const benchState = (page: Page) =>
  page.evaluate(() => {
    const { samples, images } = (window as unknown as BenchWindow).__bench;
    return { samples: samples.length, images };
  });

/** Presses the shutter and waits for the straightened page to be shown; answers its sample. */
async function shoot(page: Page): Promise<Sample> {
  const before = await benchState(page);
  await page.keyboard.press('Space');
  await page.waitForFunction((n) => (window as unknown as BenchWindow).__bench.samples.length > n, before.samples, {
    timeout: 60_000,
    polling: 50,
  });
  return page.evaluate((n) => (window as unknown as BenchWindow).__bench.samples[n]!, before.samples);
}

export interface Memory {
  heap: number;
  renderer: number;
  chromium: number;
  core: number;
}

/** The page's JS heap after a GC (of the page and its workers), the renderers' and the browser process's RSS, the core's RSS. */
export async function memory(page: Page, browser: Browser, hostPid: number): Promise<Memory> {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  await session.send('HeapProfiler.collectGarbage');
  await session.send('HeapProfiler.collectGarbage');
  // The workers too (the doccam worker's stills are 32 MB each): garbage there is not what a page holds.
  for (const worker of page.workers()) await worker.evaluate('globalThis.gc?.(); globalThis.gc?.()');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const { metrics } = await session.send('Performance.getMetrics');
  await session.detach();
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { type: string; id: number }[];
  };
  await cdp.detach();
  const sum = (type: string) =>
    processInfo.filter((p) => p.type === type).reduce((total, p) => total + safeRss(p.id), 0);
  return { heap, renderer: sum('renderer'), chromium: sum('browser'), core: rssOf(hostPid) };
}

function safeRss(pid: number): number {
  try {
    return rssOf(pid);
  } catch {
    return 0;
  }
}

export async function benchCapture(): Promise<void> {
  const dir = workDir();
  const started = performance.now();
  // Two frames (12 MB each) are enough: the picture does not move.
  const video = writeDocumentVideo(join(dir, 'page.y4m'), { width: WIDTH, height: HEIGHT, frames: 2 });
  const videoSeconds = (performance.now() - started) / 1000;
  const dataDir = join(dir, 'data');
  await seedAccounts(dataDir);
  const { page, browser, hostPid, close } = await hostPage(dataDir, [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video.file}`,
    // gc() in the workers, for the memory figures (the page's own GC goes through CDP).
    '--js-flags=--expose-gc',
  ]);
  try {
    page.on('pageerror', (error) => console.log('[pageerror]', error.message));
    await openMaterials(page);
    const material = page.getByRole('group', { name: '申请人居民身份证' });
    await material.getByRole('button', { name: '用高拍仪拍摄“申请人居民身份证”' }).click();
    const dialog = page.getByRole('dialog', { name: '高拍仪拍摄：申请人居民身份证' });
    const resolution = dialog.getByText(/^分辨率 \d+×\d+$/);
    await resolution.waitFor({ timeout: 30_000 });
    const granted = await resolution.textContent();
    if (granted !== `分辨率 ${WIDTH}×${HEIGHT}`)
      throw new Error(`the fake camera granted ${granted}, not ${WIDTH}×${HEIGHT}`);
    const openedAt = performance.now();
    const found = dialog.getByText('已找到页面');
    await found.waitFor({ timeout: 60_000 });
    record(
      'capture panel: opened to the first live outline (opencv.js starts in the worker)',
      `${((performance.now() - openedAt) / 1000).toFixed(1)} s`,
      `${granted}; the y4m (${video.width}×${video.height}, 2 frames) written in ${videoSeconds.toFixed(1)} s`,
    );
    // tsx keeps function names with a helper (`__name`) the page does not have.
    await page.evaluate('globalThis.__name = (f) => f');
    await page.evaluate(instrument);

    // 1. The shutter alone: press, the page shown, 重拍; again. As the product takes the
    //    still (the video frame, or ImageCapture.takePhoto where the camera's photos are
    //    larger than its video; then again from the video frame).
    const shutters = async () => {
      const samples: Sample[] = [];
      for (let i = 0; i < SHUTTERS; i++) {
        await found.waitFor({ timeout: 30_000 });
        samples.push(await shoot(page));
        await dialog.getByRole('button', { name: '重拍', exact: true }).click();
      }
      return samples;
    };
    const figure = (samples: Sample[]) => {
      const previews = samples.flatMap((s) => (s.preview === null ? [] : [s.preview]));
      const decoded = samples.map((s) => s.decoded);
      const painted = samples.map((s) => s.painted);
      const names = [...new Set(samples.flatMap((s) => Object.keys(s.steps)))];
      const steps = names
        .map((name) => ({ name, at: median(samples.flatMap((s) => (name in s.steps ? [s.steps[name]!] : []))) }))
        .sort((a, b) => a.at - b.at)
        .map(({ name, at }) => `${name} ${at.toFixed(0)}`)
        .join(', ');
      return {
        preview:
          previews.length > 0
            ? `median ${median(previews).toFixed(0)} ms, worst ${Math.max(...previews).toFixed(0)} ms`
            : 'no preview',
        previewNote: `${previews.length} of ${samples.length} presses; each: ${previews.map((d) => d.toFixed(0)).join(' ')}`,
        value: `median ${median(decoded).toFixed(0)} ms, worst ${Math.max(...decoded).toFixed(0)} ms`,
        note: `${samples.length} presses; the frame after: median ${median(painted).toFixed(0)} ms; each: ${decoded.map((d) => d.toFixed(0)).join(' ')}; median ms after the key: ${steps}`,
      };
    };
    const asTaken = figure(await shutters());
    const photoKind = await page.evaluate(() => (window as unknown as BenchWindow).__bench.photo);
    const still = photoKind ? `the camera's photo (${photoKind})` : 'the video frame (the photo is no larger)';
    record(
      `shutter → straightened thumbnail shown (decoded), ${WIDTH}×${HEIGHT}, Chromium`,
      asTaken.preview,
      `target < 400 ms (2 cores); still: ${still}; the page of the last live frame (640 px) straightened, shown while the full page is made; ${asTaken.previewNote}`,
    );
    record(
      `shutter → full-resolution page shown, ready to file`,
      asTaken.value,
      `the full still read, straightened, judged (blur, glare), its codes read, encoded; ${asTaken.note}`,
    );
    if (photoKind) {
      await page.evaluate(() => delete (globalThis as { ImageCapture?: unknown }).ImageCapture);
      const fromVideo = figure(await shutters());
      record(`the same, still from the video frame (no ImageCapture)`, fromVideo.value, fromVideo.note);
    }

    // 2. 100 pages filed, stills from the video frame still (the fake camera's takePhoto
    //    takes seconds; what stays in memory is the same). Each page's corner is nudged by
    //    keys (another corner, direction or distance each time, inward), or the same
    //    picture would be the same bytes: one page.
    const filing: Sample[] = [];
    const marks: { pages: number; memory: Memory }[] = [await memory(page, browser, hostPid)].map((m) => ({
      pages: 0,
      memory: m,
    }));
    const corners = dialog.getByRole('group', { name: /调整页面四角/ });
    const use = dialog.getByRole('button', { name: /^(使用此页|仍然使用)$/ });
    // Inward for each corner (左上, 右上, 右下, 左下): never clamped at the frame's edge.
    const inward = [
      ['ArrowRight', 'ArrowDown'],
      ['ArrowLeft', 'ArrowDown'],
      ['ArrowLeft', 'ArrowUp'],
      ['ArrowRight', 'ArrowUp'],
    ];
    const fileStarted = performance.now();
    for (let i = 0; i < PAGES; i++) {
      await found.waitFor({ timeout: 30_000 });
      filing.push(await shoot(page));
      const { images } = await benchState(page);
      await corners.focus();
      await page.keyboard.press(String((i % 4) + 1));
      const arrow = inward[i % 4]![Math.floor(i / 4) % 2]!;
      for (let step = 0; step <= Math.floor(i / 8); step++) await page.keyboard.down(arrow);
      await page.keyboard.up(arrow); // straightens again, once
      await page.waitForFunction((n) => (window as unknown as BenchWindow).__bench.images > n, images, {
        timeout: 60_000,
        polling: 50,
      });
      await use.click();
      await dialog.getByText(`已存为第 ${i + 1} 页`).waitFor({ timeout: 60_000 });
      if (MARKS.has(i + 1)) {
        await material.getByText(`共 ${i + 1} 页`).waitFor();
        // The pages list behind the panel loads each new page's picture.
        await page.waitForFunction(
          (n) =>
            [...document.querySelectorAll<HTMLImageElement>('img.page-thumbnail')].filter((img) => img.complete)
              .length >= n,
          i + 1,
          { timeout: 60_000, polling: 100 },
        );
        marks.push({ pages: i + 1, memory: await memory(page, browser, hostPid) });
      }
    }
    const perPage = (performance.now() - fileStarted) / PAGES / 1000;
    const filingFigure = figure(filing);
    record(
      `shutter → thumbnail, and → full page, while filing ${PAGES} pages`,
      `${filingFigure.preview}; full page ${filingFigure.value}`,
      filingFigure.note.replace(/; each: [^;]*/, ''),
    );
    const series = (pick: (m: Memory) => number) => marks.map((m) => mib(pick(m.memory))).join(' → ') + ' MiB';
    const at = `after ${marks.map((m) => m.pages).join(' → ')} pages`;
    record(
      `capture session: page's JS heap after GC, ${at}`,
      series((m) => m.heap),
      `target flat; ${perPage.toFixed(1)} s a page (shutter, a corner nudged and straightened again, 使用此页, the upload)`,
    );
    record(
      `capture session: renderer processes' RSS, ${at}`,
      series((m) => m.renderer),
      'the page, its doccam worker (opencv.js) and the pages list',
    );
    record(
      `capture session: Chromium's browser process RSS, ${at}`,
      series((m) => m.chromium),
      'holds the Blobs',
    );
    record(
      `capture session: core (browser host) RSS, ${at}`,
      series((m) => m.core),
      'no GC forced in the host',
    );

    // 3. Seal: review, then 封装 with the 100 pages bound into one PDF in the render worker.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await material.getByRole('button', { name: '按应交份数收齐' }).click();
    const photo = page.getByRole('group', { name: '近期免冠彩色证件照片' });
    await photo.getByRole('button', { name: '按应交份数收齐' }).click();
    await photo
      .getByLabel('上传文件')
      .setInputFiles({ name: '证件照.png', mimeType: 'image/png', buffer: scannedPage(3) });
    await photo.getByRole('button', { name: '移除“证件照.png”' }).waitFor();
    await page.getByRole('button', { name: '下一步' }).click();
    await page.getByRole('heading', { level: 3, name: '形式审查' }).waitFor();
    for (const radio of await page.getByRole('radio', { name: '符合', exact: true }).all()) await radio.check();
    await page.getByRole('button', { name: '开始审查' }).click();
    await page.getByRole('heading', { name: '审查结论：收件' }).waitFor({ timeout: 30_000 });
    // As in `npm run bench -- intake`: the clerk reads the outcome while review's worker starts.
    await page.waitForTimeout(1500);
    await page.getByRole('button', { name: '封装', exact: true }).click();
    const before = rssOf(hostPid);
    resetPeak(hostPid);
    let sampled = before;
    const sampler = setInterval(() => (sampled = Math.max(sampled, safeRss(hostPid))), 20);
    const sealStarted = performance.now();
    await page.getByRole('button', { name: '确认封装' }).click();
    await page.getByRole('heading', { name: '已封装' }).waitFor({ timeout: 180_000 });
    const sealMs = performance.now() - sealStarted;
    clearInterval(sampler);
    const peak = peakOf(hostPid);
    record(
      `seal through the UI, ${PAGES} camera pages bound into one PDF (built host, after review)`,
      `${(sealMs / 1000).toFixed(1)} s`,
      `确认封装 to 已封装; core RSS ${mib(before)} MiB before, peak ${mib(peak)} MiB (kernel VmHWM; ${mib(sampled)} sampled every 20 ms), ${mib(rssOf(hostPid))} MiB after`,
    );
  } finally {
    await close();
  }
}
