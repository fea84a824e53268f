// `npm run verify-bundle` as anyone runs it: the real CLI as a child process on the
// committed sample bundle and on tampered copies of it — verdicts in Chinese and English,
// `--json`, and the exit codes (0 intact, 1 tampered, 2 unreadable, 64 usage).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../src-main/recording/verify-bundle.ts';
import { bufferAccess } from '../../../src-main/recording/zip-reader.ts';
import { keyIdOf } from '../../../src-main/sync/signing.ts';
import { SAMPLE_PATH, sampleBundle, sampleKey } from '../../fixtures/evidence/make-sample.ts';
import { tempDir } from '../helpers.ts';
import { tamper } from './bundle-fixtures.ts';

const CLI = 'src-main/recording/verify-bundle-cli.ts';

function run(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('the sample evidence bundle', () => {
  it('is intact, and is what make-sample.ts makes, byte for byte', async () => {
    const committed = readFileSync(SAMPLE_PATH);
    const verdict = await verifyBundle(bufferAccess(committed), { expectFingerprint: sampleKey().keyId });
    expect(verdict.findings).toEqual([]);
    expect(verdict.status).toBe('intact');
    expect(verdict.session).toMatchObject({ windowId: 'SAMPLE-W01', events: 7, segments: 4 });
    expect(Buffer.from(await sampleBundle()).equals(committed)).toBe(true);
  });
});

describe('npm run verify-bundle', () => {
  it('says intact in Chinese and English and exits 0', () => {
    const { code, out } = run(SAMPLE_PATH);
    expect(code).toBe(0);
    expect(out).toContain('证据包完整');
    expect(out).toContain('The evidence bundle is intact');
    expect(out).toContain(keyIdOf(sampleKey().publicKey));
  });

  it('names what was altered in both languages and exits 1', () => {
    const file = join(tempDir(), 'altered.zip');
    writeFileSync(
      file,
      tamper(readFileSync(SAMPLE_PATH), (files) => {
        files['segments/screen/000001.json'] = new TextEncoder().encode('[]');
      }),
    );
    const { code, out } = run(file);
    expect(code).toBe(1);
    expect(out).toContain('证据包已被改动或不完整');
    expect(out).toContain('片段 segments/screen/000001.json 的内容与第 6 号事件记载的哈希不符');
    expect(out).toContain('The evidence bundle was altered or is incomplete');
    expect(out).toContain('Segment segments/screen/000001.json does not match the hash in event seq 6');
  });

  it('exits 1 for a bundle signed by another key than the one expected', () => {
    const { code, out } = run(SAMPLE_PATH, '--expect-key', 'ab'.repeat(32));
    expect(code).toBe(1);
    expect(out).toContain(`not the expected ${'ab'.repeat(32)}`);
  });

  it('exits 2 for a truncated file, one that is no ZIP, and one that is not there', () => {
    const dir = tempDir();
    const cut = join(dir, 'cut.zip');
    writeFileSync(cut, readFileSync(SAMPLE_PATH).subarray(0, 1000));
    const notZip = join(dir, 'photo.jpg');
    writeFileSync(notZip, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    for (const file of [cut, notZip, join(dir, 'absent.zip')]) {
      const { code, out } = run(file);
      expect(code, file).toBe(2);
      expect(out).toContain('无法核验');
      expect(out).toContain('Cannot verify');
    }
  });

  it('answers --json with the verdict, and exits 64 on wrong usage', () => {
    const { code, out } = run(SAMPLE_PATH, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ file: SAMPLE_PATH, status: 'intact', findings: [] });
    expect(run().code).toBe(64);
    expect(run(SAMPLE_PATH, '--expect-key', 'nothex').code).toBe(64);
  });
});
