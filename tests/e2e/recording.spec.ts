// The counter session recorded in Chromium, with the fake camera (a generated video) and
// the fake microphone (Chromium's beep): a clerk opens a draft and types the applicant's
// name, ID number, address and phone; the header says 录制中; the core stores camera
// segments every few seconds and screen segments. Read back from the host's own store
// (decrypted with its key file): each camera segment, loaded alone into a <video>, decodes
// (its own header and key frame); consecutive camera segments leave no hole over 100 ms;
// and the stored screen events hold the form's labels but none of the personal data.
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { chromiumArgs } from '../../playwright.config.ts';
import { RecordingSegmentPayload, type RecordingSegmentPayload as Segment } from '../../src-main/common/recording.ts';
import { BlobStore } from '../../src-main/store/blob-store.ts';
import { openDatabase } from '../../src-main/store/database.ts';
import { deriveStoreKeys } from '../../src-main/store/keys.ts';
import { expect, test } from './browser-host.ts';
import { writeDocumentVideo } from './fake-camera.ts';
import { APPLICANT_ID, fillFormFields, signInNewClerk, startSocialSecurityCard, typeApplicant } from './flows.ts';

mkdirSync('test-results', { recursive: true });
const video = writeDocumentVideo(resolve('test-results', 'recording-counter.y4m'), {
  width: 640,
  height: 360,
  qrText: 'COUNTER',
});

test.use({
  viewport: { width: 1366, height: 768 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, `--use-file-for-fake-video-capture=${video.file}`],
  },
});

const NAME = '李小梅';
const PHONE = '13812345678';
const ADDRESS = '四川省成都市锦江区红星路一段1号';

/** The host's store, opened beside it (WAL: its writes go on) with the key file it made. */
function hostStore(dataDir: string) {
  const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const db = openDatabase({ file: join(dataDir, 'db', 'tongban.db'), key: keys.databaseKey, backupDir: tmpdir() });
  const blobs = new BlobStore(join(dataDir, 'blobs'), keys.blobKey);
  const segments = (): Segment[] =>
    db
      .prepare<[], { payload: string }>(
        "SELECT payload FROM event_log WHERE kind = 'recording.segment' ORDER BY stream, seq",
      )
      .all()
      .map((row) => RecordingSegmentPayload.parse(JSON.parse(row.payload)));
  const kinds = (): string[] =>
    db
      .prepare<[], { kind: string }>("SELECT kind FROM event_log WHERE kind LIKE 'recording.%' ORDER BY stream, seq")
      .all()
      .map((row) => row.kind);
  return { db, blobs, segments, kinds };
}

test('a session recorded: camera segments that each play alone, no hole between them, the screen masked', async ({
  page,
  host,
}) => {
  test.setTimeout(150_000);
  page.on('pageerror', (error) => console.log('[pageerror]', error.message));
  await signInNewClerk(page, host.url);
  await startSocialSecurityCard(page);
  const indicator = page.locator('.recording-state');
  await expect(indicator.getByRole('button', { name: '录制中' })).toBeVisible({ timeout: 20_000 });
  await typeApplicant(page);
  await fillFormFields(page, PHONE);
  // The values show again outside their inputs, as the clerk moves on.
  await page.getByRole('button', { name: '上一步' }).click();
  await expect(page.getByRole('heading', { level: 3, name: '申请人' })).toBeVisible();

  const store = hostStore(host.dataDir);
  try {
    // At least three camera segments (about 4 s each) and the screen's.
    await expect
      .poll(() => store.segments().filter((s) => s.track === 'camera').length, { timeout: 60_000, intervals: [1000] })
      .toBeGreaterThanOrEqual(3);
    await expect
      .poll(() => store.segments().filter((s) => s.track === 'screen').length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);

    // The indicator's details: the camera and its format.
    await indicator.getByRole('button', { name: '录制中' }).click();
    await expect(page.locator('#recording-details')).toContainText('窗口摄像头和麦克风正在录像');
    await page.screenshot({ path: 'test-results/e2e/recording-indicator.png' });
    await indicator.getByRole('button', { name: '录制中' }).press('Enter');
    await expect(page.locator('#recording-details')).toBeHidden();

    const segments = store.segments();
    const camera = segments.filter((s) => s.track === 'camera');
    expect(camera.map((s) => s.index)).toEqual(camera.map((_, i) => i));
    expect(camera[0]!.mediaType).toMatch(/^video\/webm/);
    // Consecutive spans: the next recorder starts before the current stops.
    for (let i = 1; i < camera.length; i++) {
      const hole = camera[i]!.startMs - camera[i - 1]!.endMs;
      expect(hole, `hole between camera segments ${i - 1} and ${i}`).toBeLessThanOrEqual(100);
      expect(camera[i]!.endMs - camera[i]!.startMs).toBeGreaterThan(2000);
    }

    // Each camera segment alone, as a file of its own, decodes in the browser.
    for (const segment of camera.slice(0, 4)) {
      const bytes = await store.blobs.read(segment.sha256);
      expect(bytes.byteLength).toBe(segment.bytes);
      const decoded = await page.evaluate(
        async ({ base64, type }) => {
          const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
          const element = document.createElement('video');
          element.muted = true;
          element.src = URL.createObjectURL(new Blob([data], { type }));
          await new Promise<void>((done, fail) => {
            element.onloadeddata = () => done();
            element.onerror = () => fail(new Error(`cannot decode: ${element.error?.message ?? ''}`));
            setTimeout(() => fail(new Error('no loadeddata in 10 s')), 10_000);
          });
          // A MediaRecorder file states no duration: seeking far makes the browser find it.
          element.currentTime = 1e6;
          await new Promise<void>((done) => {
            element.onseeked = () => done();
            setTimeout(done, 5000);
          });
          const result = { width: element.videoWidth, height: element.videoHeight, duration: element.duration };
          URL.revokeObjectURL(element.src);
          return result;
        },
        { base64: bytes.toString('base64'), type: segment.mediaType },
      );
      expect(decoded.width).toBe(video.width);
      expect(decoded.height).toBe(video.height);
      expect(decoded.duration).toBeGreaterThan(1);
    }

    // The stored screen: the form as the clerk saw it, without the applicant's data.
    const screen = (
      await Promise.all(segments.filter((s) => s.track === 'screen').map((s) => store.blobs.read(s.sha256)))
    )
      .map((bytes) => bytes.toString('utf8'))
      .join('\n');
    expect(screen).toContain('联系电话');
    expect(screen).toContain('公民身份号码');
    for (const secret of [NAME, APPLICANT_ID, PHONE, ADDRESS, APPLICANT_ID.slice(0, 10), PHONE.slice(3)]) {
      expect(screen.includes(secret), `the stored screen holds “${secret}”`).toBe(false);
    }

    // Leaving the draft stops the recording: its last segments, then the stop.
    await page.getByRole('button', { name: '返回今日队列' }).click();
    await expect.poll(() => store.kinds().at(-1), { timeout: 20_000 }).toBe('recording.stopped');
    expect(store.kinds()[0]).toBe('recording.started');
    expect(store.kinds()).not.toContain('recording.gap');
  } finally {
    store.db.close();
  }
});

test('the camera fails mid-session: a gap is logged and shown, the screen goes on, the camera comes back', async ({
  page,
  host,
}) => {
  test.setTimeout(150_000);
  // Stands in for the camera being unplugged and plugged back: the live track reports `ended`
  // (as Chromium does when a device goes), and opening it fails until the test says so.
  await page.addInitScript(() => {
    const w = window as unknown as { cameraTracks: MediaStreamTrack[]; cameraAway: boolean };
    w.cameraTracks = [];
    w.cameraAway = false;
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      if (w.cameraAway) throw new DOMException('Could not start video source', 'NotReadableError');
      const stream = await open(constraints);
      w.cameraTracks.push(...stream.getVideoTracks());
      return stream;
    };
  });
  await signInNewClerk(page, host.url);
  await startSocialSecurityCard(page);
  const indicator = page.locator('.recording-state');
  await expect(indicator.getByRole('button', { name: '录制中' })).toBeVisible({ timeout: 20_000 });
  const store = hostStore(host.dataDir);
  try {
    await expect
      .poll(() => store.segments().filter((s) => s.track === 'camera').length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(1);
    const unplugged = Date.now();
    await page.evaluate(() => {
      const w = window as unknown as { cameraTracks: MediaStreamTrack[]; cameraAway: boolean };
      w.cameraAway = true;
      for (const track of w.cameraTracks) track.dispatchEvent(new Event('ended'));
    });
    const fault = indicator.getByRole('button', { name: '录制暂停·摄像头故障' });
    await expect(fault).toBeVisible();
    await fault.click();
    await expect(page.getByRole('alert').filter({ hasText: '摄像头画面中断' })).toContainText('屏幕操作仍在记录');
    // The status bar says it too, from the core's health board.
    await expect(page.getByText('摄像头画面中断（已拔出或被其他程序占用），正在重试')).toBeVisible();
    await page.screenshot({ path: 'test-results/e2e/recording-camera-fault.png' });
    await expect.poll(() => store.kinds(), { timeout: 10_000 }).toContain('recording.gap');
    const gap = store.db
      .prepare<[], { payload: string }>("SELECT payload FROM event_log WHERE kind = 'recording.gap'")
      .get()!;
    expect(JSON.parse(gap.payload)).toMatchObject({ track: 'camera', toMs: null, reason: 'cameraEnded' });
    expect(JSON.parse(gap.payload).fromMs).toBeGreaterThanOrEqual(unplugged - 1000);

    // The clerk goes on working; the screen is recorded meanwhile.
    const screenBefore = store.segments().filter((s) => s.track === 'screen').length;
    await typeApplicant(page);
    await expect
      .poll(() => store.segments().filter((s) => s.track === 'screen').length, { timeout: 20_000 })
      .toBeGreaterThan(screenBefore);

    // Plugged back: the next try opens it, and the camera's indexes go on.
    const cameraBefore = store.segments().filter((s) => s.track === 'camera');
    await page.evaluate(() => ((window as unknown as { cameraAway: boolean }).cameraAway = false));
    await expect(indicator.getByRole('button', { name: '录制中' })).toBeVisible({ timeout: 40_000 });
    await expect
      .poll(() => store.segments().filter((s) => s.track === 'camera').length, { timeout: 30_000 })
      .toBeGreaterThan(cameraBefore.length);
    const camera = store.segments().filter((s) => s.track === 'camera');
    expect(camera.map((s) => s.index)).toEqual(camera.map((_, i) => i));
    // The first segment after the gap starts after the gap began.
    expect(camera[cameraBefore.length]!.startMs).toBeGreaterThan(JSON.parse(gap.payload).fromMs);
  } finally {
    store.db.close();
  }
});
