// The applicant's side of a counter session end to end, in Chromium against the real browser
// host: the clerk reads a card whose chip photo shows a face (the stand-in decoder gives a
// face cut from @vladmandic/face-api's sample photos), pairs the applicant's page by its code,
// the applicant consents on their screen, the face worker matches the counter camera (a fake
// camera showing the same person) with the card and records a pass; the applicant confirms
// what the clerk entered, signs with pointer strokes, and after the seal rates the visit.
// The sealed manifest carries the check, the confirmation and the signature's hash, and the
// rating reaches the reference inbox.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { chromiumArgs } from '../../playwright.config.ts';
import { demoConfig } from '../../src-main/common/hall-config.ts';
import type { RgbaImage } from '../../src-main/devices/doccam/image.ts';
import { PacketStore } from '../../src-main/packets/packet-store.ts';
import { deriveStoreKeys } from '../../src-main/store/keys.ts';
import { InboxDb } from '../../dept-inbox/src/db.ts';
import { deriveAtRestKeys } from '../../dept-inbox/src/at-rest.ts';
import { embeddedInboxDir } from '../../src-main/demo/embedded-inbox.ts';
import { pngBytes } from '../fixtures/files.ts';
import { openDatabase } from '../../src-main/store/database.ts';
import { cardPhoto, liveFace, shrink } from '../main/devices/face-fixtures.ts';
import { expect, startHost, test } from './browser-host.ts';
import { handIn, review, seal, signInNewClerk, startSocialSecurityCard } from './flows.ts';
import { writeImageVideo } from './fake-camera.ts';

// Written when the file loads, before the browser starts with it (see doccam.spec.ts).
mkdirSync('test-results', { recursive: true });
const cameraFile = resolve('test-results', 'applicant-face.y4m');
writeImageVideo(cameraFile, counterScene(liveFace('a')));

test.use({
  viewport: { width: 1366, height: 768 },
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, `--use-file-for-fake-video-capture=${cameraFile}`],
  },
});
test.setTimeout(180_000);

test('consent, face match, confirmation, signature and rating on the applicant’s screen', async ({ page, browser }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tongban-e2e-applicant-'));
  // The card's photo: person a at a chip photo's 102×126, as BGR rows for the stand-in decoder.
  const photoFile = join(dataDir, 'card-face.bgr');
  writeFileSync(photoFile, bgrOf(cardPhoto('a')));
  const library = join(dataDir, 'libfake-wlt-face.so');
  execFileSync('gcc', [
    '-shared',
    '-fPIC',
    '-O1',
    `-DFACE_BGR_FILE="${photoFile}"`,
    '-o',
    library,
    join('tests', 'main', 'devices', 'native', 'fake-wlt.c'),
  ]);
  const config = demoConfig();
  config.devices.idCardReader = { transport: 'simulated', photoDecoder: { library, unpackFlag: 0 } };
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify(config, null, 2));
  const host = await startHost({ dataDir });
  const applicantContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  try {
    await signInNewClerk(page, host.url);
    await startSocialSecurityCard(page);
    await placeCard(page, /李秀英/);
    await expect(page.getByTestId('id-card-applicant').getByRole('img', { name: '证件照片' })).toBeVisible();
    await page.getByLabel('业务属地行政区划代码').fill('510104');

    // No applicant screen yet: the face match says why, and a pairing code is offered right here.
    const check = page.getByRole('region', { name: '人证核验' });
    await expect(check.getByRole('button', { name: '人脸比对' })).toBeDisabled();
    await expect(check.getByText(/没有连接申请人屏幕/)).toBeVisible();
    await check.getByRole('button', { name: '生成配对码' }).click();
    const code = ((await check.locator('.applicant-pairing-code').textContent()) ?? '').trim();
    expect(code).toMatch(/^\d{6}$/);

    const applicant = await applicantContext.newPage();
    await applicant.goto(`${new URL(host.url).origin}/applicant`);
    for (const digit of code) await applicant.getByRole('button', { name: `数字 ${digit}` }).click();
    await expect(applicant.getByRole('heading', { name: '欢迎办理' })).toBeVisible();

    // Consent first, on the applicant's own screen; then the match runs on the counter camera.
    await check.getByRole('button', { name: '人脸比对' }).click();
    await expect(check.getByText(/已在申请人屏幕上请申请人/)).toBeVisible();
    await expect(applicant.getByRole('heading', { name: '人脸识别单独同意' })).toBeVisible();
    await expect(applicant.getByText(/不保存现场拍摄的人脸图像/)).toBeVisible();
    await applicant.screenshot({ path: test.info().outputPath('applicant-consent-1920x1080.png') });
    await applicant.getByRole('button', { name: '同意', exact: true }).click();
    await expect(check.getByRole('status')).toContainText('人脸比对通过', { timeout: 60_000 });
    await page.screenshot({ path: test.info().outputPath('clerk-identity-check-1366x768.png') });

    // The form, the materials, review.
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.getByRole('heading', { level: 3, name: '填写表单' })).toBeVisible();
    await page.getByLabel('联系电话').fill('13812345678');
    await page.getByLabel('参保地').fill('510104');
    await page.getByLabel('申请人未满16周岁').selectOption({ label: '否' });
    await page.getByLabel('开通金融账户功能').selectOption({ label: '否' });
    await page.getByLabel('送达方式').selectOption({ label: '窗口领取' });
    await page.getByRole('button', { name: '下一步' }).click();
    await expect(page.getByRole('heading', { level: 3, name: '收取材料' })).toBeVisible();
    await handIn(page, '申请人居民身份证', { name: '身份证正反面.png', buffer: Buffer.from(pngBytes(40, 25, 120)) });
    await handIn(page, '近期免冠彩色证件照片', { name: '证件照.png', buffer: Buffer.from(pngBytes(36, 44, 200)) });
    await review(page, '收件');

    // The applicant checks and confirms, then signs with the pointer.
    const panel = page.getByRole('region', { name: '申请人屏幕' });
    await panel.getByRole('button', { name: '请申请人确认' }).click();
    await expect(applicant.getByRole('heading', { name: '请核对以下信息' })).toBeVisible();
    await expect(applicant.getByText('李秀英').first()).toBeVisible();
    await applicant.screenshot({ path: test.info().outputPath('applicant-confirm-1920x1080.png') });
    await applicant.getByRole('button', { name: '确认无误' }).click();
    await expect(panel.getByText('申请人已确认无误')).toBeVisible();

    await panel.getByRole('button', { name: '请申请人签名' }).click();
    const pad = applicant.getByRole('img', { name: '签名框' });
    await expect(pad).toBeVisible();
    await drawSignature(applicant, pad);
    await applicant.screenshot({ path: test.info().outputPath('applicant-signature-1920x1080.png') });
    await applicant.getByRole('button', { name: '确认签名' }).click();
    await expect(page.getByRole('img', { name: '申请人签名图像' })).toBeVisible();

    await seal(page);

    // 一次一评: the seal puts the rating on the applicant's screen.
    await expect(applicant.getByRole('heading', { name: /评价/ }).first()).toBeVisible();
    for (const group of ['总体评价', '办事效率', '业务水平', '服务态度']) {
      await applicant.getByRole('group', { name: group }).getByRole('radio', { name: '非常满意' }).check();
    }
    await applicant.screenshot({ path: test.info().outputPath('applicant-rating-1920x1080.png') });
    await applicant.getByRole('button', { name: /提交评价/ }).click();
    await expect(applicant.getByRole('heading', { name: '感谢您的评价' })).toBeVisible();

    // The rating travels through the outbox to the reference inbox (the demo's, in the host).
    const master = readFileSync(join(dataDir, 'keys', 'master.key'));
    const inboxKey = deriveAtRestKeys(deriveStoreKeys(master).demoInboxKey).database;
    await expect
      .poll(async () => (await inboxRatings(dataDir, inboxKey)).map((r) => r.overall), { timeout: 30_000 })
      .toEqual([5]);
  } catch (error) {
    console.log(host.output().slice(-6000));
    throw error;
  } finally {
    await applicantContext.close();
    await host.stop();
  }
  try {
    // The sealed manifest: the face match's pass, the confirmation and the signature's hashes.
    const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const db = openDatabase({
      file: join(dataDir, 'db', 'tongban.db'),
      key: keys.databaseKey,
      backupDir: join(dataDir, 'check-backups'),
    });
    const row = db.prepare('SELECT packet_id FROM packets ORDER BY sealed_at DESC LIMIT 1').get() as {
      packet_id: string;
    };
    const manifest = new PacketStore(db, Buffer.alloc(32, 1)).manifest(row.packet_id, 1)!;
    db.close();
    expect(manifest.identityCheck).toMatchObject({ who: 'applicant', method: 'face', outcome: 'pass' });
    expect(manifest.applicantConfirmation).toMatchObject({ viewHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const signature = manifest.applicantSignature as { image: string; strokes: string };
    expect(signature.image).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.files.some((f) => f.sha256 === signature.image)).toBe(true);
    expect(manifest.files.some((f) => f.sha256 === signature.strokes)).toBe(true);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

async function placeCard(page: Page, label: RegExp): Promise<void> {
  const reader = page.getByRole('group', { name: '模拟读卡器（演示模式）' });
  const options = await reader.getByLabel('证件').locator('option').allTextContents();
  await reader.getByLabel('证件').selectOption({ label: options.find((o) => label.test(o)) ?? '' });
  await reader.getByRole('button', { name: '放置证件' }).click();
}

/** Three strokes of a name drawn across the pad with the mouse (pointer events, no pressure). */
async function drawSignature(page: Page, pad: ReturnType<Page['getByRole']>): Promise<void> {
  const box = (await pad.boundingBox())!;
  const strokes = [
    [0.15, 0.3, 0.3, 0.7],
    [0.35, 0.6, 0.55, 0.25],
    [0.6, 0.5, 0.85, 0.55],
  ];
  for (const [x0, y0, x1, y1] of strokes) {
    await page.mouse.move(box.x + box.width * x0!, box.y + box.height * y0!);
    await page.mouse.down();
    for (let i = 1; i <= 12; i++) {
      const f = i / 12;
      await page.mouse.move(
        box.x + box.width * (x0! + (x1! - x0!) * f),
        box.y + box.height * (y0! + (y1! - y0!) * f + 0.05 * Math.sin(f * 6)),
      );
    }
    await page.mouse.up();
  }
}

/** The person at the counter: their face in the middle of a 640×480 frame of a plain wall. */
function counterScene(face: RgbaImage): RgbaImage {
  const width = 640;
  const height = 480;
  const small = shrink(face, 320, Math.round((320 * face.height) / face.width));
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([150, 150, 145, 255], i);
  const left = (width - small.width) / 2;
  const top = Math.max(0, (height - small.height) / 2);
  for (let y = 0; y < Math.min(small.height, height); y++) {
    for (let x = 0; x < small.width; x++) {
      data.set(
        small.data.subarray((y * small.width + x) * 4, (y * small.width + x) * 4 + 4),
        ((top + y) * width + left + x) * 4,
      );
    }
  }
  return { width, height, data };
}

/** RGBA to the decoder's BGR rows, top first. */
function bgrOf(image: RgbaImage): Buffer {
  const out = Buffer.alloc(image.width * image.height * 3);
  for (let i = 0, o = 0; i < image.data.length; i += 4, o += 3) {
    out[o] = image.data[i + 2]!;
    out[o + 1] = image.data[i + 1]!;
    out[o + 2] = image.data[i]!;
  }
  return out;
}

async function inboxRatings(dataDir: string, key: Buffer): Promise<Array<{ overall: number }>> {
  const db = InboxDb.openSqlite(join(embeddedInboxDir(dataDir), 'inbox.db'), { key });
  try {
    return (await db.listRatings()).map((r) => ({ overall: r.overall }));
  } finally {
    await db.close();
  }
}
