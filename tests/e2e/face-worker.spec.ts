// The face worker in Chromium as the clerk's screen will run it (face-host.ts: the
// renderer's client and worker, the app's face assets, the hall's content policies): the
// models and wasm come from the page's own origin and nowhere else; a card photo as the
// reader hands it (BMP) against counter-camera frames gives pass, fail and — with the
// thresholds moved — uncertain; a frame with no face or two gives no outcome; a card
// photo that cannot be decoded or holds no face gives noCardFace, and so does every frame after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { DEFAULT_FACE_THRESHOLDS } from '../../src-main/common/face.ts';
import { encodePng } from '../../src-main/devices/doccam/image-file.ts';
import { cardPhoto, counterFrame, emptyScene, encodeBmp, liveFace, twoFaces } from '../main/devices/face-fixtures.ts';
import { type FacePageApi, type FacePageWindow, serveFacePage } from './face-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'tongban-face-page-'));
let host: Awaited<ReturnType<typeof serveFacePage>>;
// Each test loads the models afresh in its own page (seconds on 2 cores) and matches several frames.
test.setTimeout(120_000);

test.beforeAll(async () => {
  host = await serveFacePage(join(dir, 'dist'));
});

test.afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const png = (image: Parameters<typeof encodePng>[0]) => encodePng(image).toString('base64');
const bmp = (image: Parameters<typeof encodeBmp>[0]) => Buffer.from(encodeBmp(image)).toString('base64');

async function open(page: Page): Promise<{ requests: string[] }> {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${host.origin}/index.html`);
  const loadMs = await page.evaluate(() => (window as unknown as FacePageWindow).faceBench.load());
  expect(loadMs).toBeGreaterThan(0);
  return { requests };
}

async function call<K extends keyof FacePageApi>(
  page: Page,
  name: K,
  ...args: Parameters<FacePageApi[K]>
): Promise<Awaited<ReturnType<FacePageApi[K]>>> {
  const result: unknown = await page.evaluate(
    ([name, args]) => {
      const api = (window as unknown as FacePageWindow).faceBench;
      return (api[name as keyof FacePageApi] as (...a: unknown[]) => unknown)(...args);
    },
    [name, args as unknown[]] as [string, unknown[]],
  );
  return result as Awaited<ReturnType<FacePageApi[K]>>;
}

test('loads the models and the wasm from the app’s own origin, and nothing from anywhere else', async ({ page }) => {
  const { requests } = await open(page);
  const own = requests.filter((url) => url.startsWith(`${host.origin}/`));
  expect(requests.filter((url) => !url.startsWith(`${host.origin}/`))).toEqual([]);
  for (const model of ['blazeface', 'facemesh', 'faceres', 'antispoof', 'liveness']) {
    expect(own).toContain(`${host.origin}/face/models/${model}.json`);
    expect(own).toContain(`${host.origin}/face/models/${model}.bin`);
  }
  expect(own.some((url) => /\/face\/wasm\/tfjs-backend-wasm(-simd)?\.wasm$/.test(url))).toBe(true);
});

test('matches counter-camera frames against the card photo: pass, fail, and uncertain when the thresholds move', async ({
  page,
}) => {
  await open(page);
  expect(await call(page, 'reference', bmp(cardPhoto('a')))).toEqual({ ok: true });

  const same = await call(page, 'match', png(counterFrame(liveFace('a'))));
  expect(same).toMatchObject({ outcome: 'pass', problem: null, faces: 1 });
  expect(same.similarity).toBeGreaterThanOrEqual(DEFAULT_FACE_THRESHOLDS.pass);

  const other = await call(page, 'match', png(counterFrame(liveFace('c'))));
  expect(other).toMatchObject({ outcome: 'fail', problem: null, faces: 1 });
  expect(other.similarity).toBeLessThan(DEFAULT_FACE_THRESHOLDS.uncertain);

  const raised = { ...DEFAULT_FACE_THRESHOLDS, pass: Math.min(1, same.similarity! + 0.01) };
  expect(await call(page, 'match', png(counterFrame(liveFace('a'))), raised)).toMatchObject({ outcome: 'uncertain' });
});

test('gives no outcome for a frame with no face or two, and says which', async ({ page }) => {
  await open(page);
  await call(page, 'reference', bmp(cardPhoto('a')));
  expect(await call(page, 'match', png(emptyScene(1280, 720)))).toMatchObject({
    outcome: null,
    problem: 'noFace',
    faces: 0,
  });
  const two = await call(page, 'match', png(counterFrame(twoFaces(), 200, 120)));
  expect(two).toMatchObject({ outcome: null, problem: 'multipleFaces' });
  expect(two.faces).toBeGreaterThanOrEqual(2);
});

test('says noCardFace for a card photo that cannot be decoded or holds no face, and for every frame after', async ({
  page,
}) => {
  await open(page);
  expect(await call(page, 'reference', Buffer.from([0x42, 0x4d, 1, 2, 3]).toString('base64'))).toMatchObject({
    problem: 'noCardFace',
    reason: 'undecodable',
  });
  expect(await call(page, 'match', png(counterFrame(liveFace('a'))))).toMatchObject({
    outcome: null,
    problem: 'noCardFace',
  });
  expect(await call(page, 'reference', bmp(emptyScene(102, 126)))).toMatchObject({
    problem: 'noCardFace',
    reason: 'noFace',
  });
  // a good card again, then forgotten (the session ended): no reference left
  expect(await call(page, 'reference', bmp(cardPhoto('a')))).toEqual({ ok: true });
  await call(page, 'forget');
  expect(await call(page, 'match', png(counterFrame(liveFace('a'))))).toMatchObject({ problem: 'noCardFace' });
});
