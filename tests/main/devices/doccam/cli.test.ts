// `npm run device -- doccam rectify` as installers run it: a child process on files the
// test writes (a JPEG and a PNG still drawn by scenes.ts), the corners and size it prints,
// the PNG it writes, the codes it reads on the page, and the exits for a frame with no
// page and a file that is no image.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDeviceCli } from '../../../../src-main/devices/cli.ts';
import { capture, device } from '../cli-run.ts';
import { decodeImage, encodeJpeg, encodePng } from '../../../../src-main/devices/doccam/image-file.ts';
import QRCode from 'qrcode';
import { tempDir } from '../../helpers.ts';
import { A4, type Modules, paintCode, placePage, renderScene } from './scenes.ts';

const page = placePage({ width: 1600, height: 1200, angle: 8, tilt: 0.1 });

function qrModules(text: string): Modules {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { width: qr.modules.size, height: qr.modules.size, dark: (col, row) => qr.modules.get(row, col) === 1 };
}

describe('npm run device -- doccam rectify', () => {
  it('straightens a JPEG still into a PNG and prints the corners, the size and the verdict (--json)', async () => {
    const dir = tempDir();
    const input = join(dir, 'still.jpg');
    const output = join(dir, 'page.png');
    const still = renderScene(1600, 1200, { page, seed: 71 });
    paintCode(still, page, qrModules('EA123456785CN'), { u: 0.5, v: 0.6, size: 0.4 });
    writeFileSync(input, encodeJpeg(still, 92));
    const run = await device(['doccam', 'rectify', input, output, '--mode', 'grey', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as {
      corners: Array<{ x: number; y: number }>;
      output: { width: number; height: number; mode: string };
      quality: { verdict: string };
      codes: Array<{ format: string; kind: string; text: string; emsWaybill: boolean }>;
    };
    json.corners.forEach((corner, i) => {
      expect(Math.hypot(corner.x - page[i]!.x, corner.y - page[i]!.y)).toBeLessThan(4);
    });
    expect(json.quality.verdict).toBe('ok');
    const written = decodeImage(readFileSync(output));
    expect([written.width, written.height]).toEqual([json.output.width, json.output.height]);
    expect(written.height / written.width).toBeCloseTo(A4, 1);
    expect(json.output.mode).toBe('grey');
    // Read on the page in colour, whatever mode is written.
    expect(json.codes).toEqual([
      { format: 'QRCode', label: 'QR Code', kind: 'qr', text: 'EA123456785CN', emsWaybill: true },
    ]);
  }, 60_000);

  it('prints in Chinese without --json, and exits 1 with a clear message for a frame with no page', async () => {
    const dir = tempDir();
    const withPage = join(dir, 'still.png');
    const still = renderScene(1600, 1200, { page, seed: 72 });
    paintCode(still, page, qrModules('TB-FORM-2026-0001'), { u: 0.5, v: 0.6, size: 0.4 });
    writeFileSync(withPage, encodePng(still));
    const io = capture();
    expect(await runDeviceCli(['doccam', 'rectify', withPage, join(dir, 'page.png'), '--rotate', '90'], io)).toBe(0);
    expect(io.outLines.join('\n')).toMatch(/页面四角（左上、右上、右下、左下）：\(\d/);
    expect(io.outLines.join('\n')).toMatch(/已校正并保存：.*（\d+×\d+ 像素，彩色）/);
    expect(io.outLines.join('\n')).toContain('图像质量：清晰');
    expect(io.outLines.slice(-2)).toEqual(['页面上的条码、二维码（1 个）：', '  二维码：TB-FORM-2026-0001']);

    const plain = join(dir, 'plain.png');
    writeFileSync(plain, encodePng(renderScene(1600, 1200, { page, seed: 74 })));
    const none = capture();
    expect(await runDeviceCli(['doccam', 'rectify', plain, join(dir, 'plain-page.png')], none)).toBe(0);
    expect(none.outLines.at(-1)).toBe('页面上没有读到条码或二维码');

    const desk = join(dir, 'desk.png');
    writeFileSync(desk, encodePng(renderScene(1200, 900, { seed: 73 })));
    const run = await device(['doccam', 'rectify', desk, join(dir, 'nothing.png')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('失败：图像中没有找到材料页面');
    expect(run.stderr).toContain('doccam.noPage');
  }, 60_000);

  it('exits 1 for a file that is not an image or does not exist, 2 for a command line it does not understand', async () => {
    const dir = tempDir();
    const junk = join(dir, 'junk.jpg');
    writeFileSync(junk, 'not a picture');
    for (const input of [junk, join(dir, 'missing.png')]) {
      const io = capture();
      expect(await runDeviceCli(['doccam', 'rectify', input, join(dir, 'out.png')], io)).toBe(1);
      expect(io.errLines[0]).toContain(`无法读取图像文件 ${input}`);
    }
    for (const args of [
      ['doccam', 'rectify', junk],
      ['doccam', 'rectify', junk, join(dir, 'out.jpg')],
      ['doccam', 'rectify', junk, join(dir, 'out.png'), '--mode', 'sepia'],
      ['doccam', 'rectify', junk, join(dir, 'out.png'), '--rotate', '45'],
    ]) {
      const io = capture();
      expect(await runDeviceCli(args, io), args.join(' ')).toBe(2);
      expect(io.errLines[0]).toContain('命令用法有误');
    }
  });
});
