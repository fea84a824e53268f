// `npm run device -- face compare` as installers run it: a child process on a card photo
// and a frame the test writes (cut from face-api's sample photos), its JSON; then the same
// command in process for the Chinese lines, the thresholds given on the command line, and
// the exits for a frame with no face, a frame with several, a file that is no image and a
// command line that is not understood.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runDeviceCli } from '../../../src-main/devices/cli.ts';
import { capture, device } from './cli-run.ts';
import { encodeJpeg, encodePng } from '../../../src-main/devices/doccam/image-file.ts';
import { tempDir } from '../helpers.ts';
import { cardPhoto, emptyScene, liveFace, samplePath } from './face-fixtures.ts';

// tempDir's folders go after each test: each test writes its files afresh.
let dir = '';
let cardA = '';
let frameA = '';
let frameC = '';
let empty = '';
beforeEach(() => {
  dir = tempDir();
  cardA = join(dir, 'card-a.png');
  frameA = join(dir, 'frame-a.jpg');
  frameC = join(dir, 'frame-c.png');
  empty = join(dir, 'empty.png');
  writeFileSync(cardA, encodePng(cardPhoto('a')));
  writeFileSync(frameA, encodeJpeg(liveFace('a'), 90));
  writeFileSync(frameC, encodePng(liveFace('c')));
  writeFileSync(empty, encodePng(emptyScene()));
});

describe('npm run device -- face compare', () => {
  it('compares a card photo (PNG) with a frame (JPEG) and prints the similarity and outcome as JSON', async () => {
    const run = await device(['face', 'compare', cardA, frameA, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ card: cardA, frame: frameA, outcome: 'pass', problem: null });
    expect(json.similarity).toBeGreaterThan(0.6);
    expect(json.live).toBeGreaterThan(0);
    expect(json.thresholds).toMatchObject({ pass: 0.6, uncertain: 0.45 });
  }, 120_000);

  it('prints a different person’s comparison in Chinese, exit 0 with the outcome 不通过', async () => {
    const io = capture();
    expect(await runDeviceCli(['face', 'compare', cardA, frameC], io)).toBe(0);
    expect(io.outLines.join('\n')).toMatch(/相似度：\d+%（通过线 60%，人工核对线 45%）/);
    expect(io.outLines.join('\n')).toMatch(/活体检测：活体 \d+%，防伪 \d+%/);
    expect(io.outLines.join('\n')).toContain('比对结果：不通过');
  }, 120_000);

  it('takes the thresholds from --pass and --uncertain', async () => {
    const json = async (...extra: string[]) => {
      const io = capture();
      expect(await runDeviceCli(['face', 'compare', cardA, frameA, '--json', ...extra], io)).toBe(0);
      return JSON.parse(io.outLines[0]!) as { outcome: string; similarity: number };
    };
    const { similarity } = await json();
    expect((await json('--pass', String(Math.min(1, similarity + 0.01)))).outcome).toBe('uncertain');
    expect((await json('--pass', '1', '--uncertain', '1')).outcome).toBe('fail');
  }, 120_000);

  it('exits 1 with a clear message for a frame with no face, naming the file', async () => {
    const io = capture();
    expect(await runDeviceCli(['face', 'compare', cardA, empty], io)).toBe(1);
    expect(io.errLines[0]).toContain(`图像 ${empty} 中没有找到人脸`);
    expect(io.errLines[1]).toContain('face.noFace');
  }, 120_000);

  it('exits 1 for a card photo with no face', async () => {
    const io = capture();
    expect(await runDeviceCli(['face', 'compare', empty, frameA], io)).toBe(1);
    expect(io.errLines[0]).toContain(`图像 ${empty} 中没有找到人脸`);
  }, 120_000);

  it('exits 1 for a frame with several faces, saying how many', async () => {
    const io = capture();
    expect(await runDeviceCli(['face', 'compare', cardA, samplePath(1)], io)).toBe(1);
    expect(io.errLines[0]).toContain('中有 3 张人脸，无法确定比对哪一张');
    expect(io.errLines[1]).toContain('face.multipleFaces');
  }, 120_000);

  it('exits 1 for a file that is no image, and for one that does not exist', async () => {
    const text = join(dir, 'notes.jpg');
    writeFileSync(text, '不是图像');
    for (const file of [text, join(dir, 'missing.png')]) {
      const io = capture();
      expect(await runDeviceCli(['face', 'compare', cardA, file], io)).toBe(1);
      expect(io.errLines[0]).toContain(`无法读取图像文件 ${file}`);
    }
  });

  it('exits 2 for a missing file argument or a threshold out of range', async () => {
    for (const args of [
      ['face', 'compare', cardA],
      ['face', 'compare', cardA, frameA, '--pass', '1.5'],
      ['face', 'compare', cardA, frameA, '--pass', '0.5', '--uncertain', '0.7'],
    ]) {
      const io = capture();
      expect(await runDeviceCli(args, io), args.join(' ')).toBe(2);
      expect(io.errLines[0]).toContain('命令用法有误');
    }
  });
});
