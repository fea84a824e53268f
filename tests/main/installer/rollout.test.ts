// Roll-out: a configured window's config exported without what is this window's, imported
// on the next window under its own id and name — in code and through `tongban config`.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src-main/common/errors.ts';
import type { HallConfig } from '../../../src-main/common/hall-config.ts';
import { demoConfig, parseConfig } from '../../../src-main/common/hall-config.ts';
import { runTongbanCli } from '../../../src-main/installer/cli.ts';
import { exportRollout, importRollout, ROLLOUT_FORMAT } from '../../../src-main/installer/rollout.ts';
import { capture } from '../devices/cli-run.ts';
import { tempDir } from '../helpers.ts';

const NOW = Date.UTC(2026, 11, 7, 2, 0, 0);

/** A hall as an installer leaves it: departments, devices, tracking, retention set. */
function configured(): HallConfig {
  return parseConfig(
    JSON.stringify({
      profile: 'configured',
      hall: { id: 'jinjiang', name: '成都市锦江区政务服务中心', phone: '028-12345678' },
      window: { id: 'W01', name: '跨省通办专窗 1 号' },
      regionCode: '510104',
      departments: [
        {
          id: 'sichuan-hrss',
          name: '四川省人力资源和社会保障厅',
          regionCodes: ['51'],
          endpoint: 'https://inbox.hrss.sc.example.gov.cn/tongban',
          signature: 'sm2',
        },
      ],
      devices: {
        idCardReader: { transport: 'serial', serial: { path: '/dev/ttyUSB0' } },
        receiptPrinter: { transport: 'tcp', host: '192.168.1.50', port: 9100, paper: 58 },
        documentCamera: { transport: 'uvc', deviceLabel: 'Eloam S1000' },
        counterCamera: { transport: 'uvc' },
      },
      tracking: { urlTemplate: 'https://zwfw.sc.example.gov.cn/track/{code}' },
      retention: { videoDays: 365, screenDays: 365, eventLogDays: 1095 },
    }),
  );
}

function appError(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}

describe('exportRollout / importRollout', () => {
  it('round-trips a configured hall: equal except the window', () => {
    const config = configured();
    const text = exportRollout(config, NOW);
    const file = JSON.parse(text) as Record<string, unknown>;
    expect(file).toMatchObject({ format: ROLLOUT_FORMAT, exportedAt: '2026-12-07T02:00:00.000Z', fromWindow: 'W01' });
    expect(JSON.stringify(file.config)).not.toContain('跨省通办专窗 1 号');
    const next = importRollout(text, { id: 'W02', name: '跨省通办专窗 2 号' });
    expect(next.window).toEqual({ id: 'W02', name: '跨省通办专窗 2 号' });
    expect({ ...next, window: config.window }).toEqual(config);
  });

  it('refuses to export the demo profile', () => {
    expect(appError(() => exportRollout(demoConfig(), NOW)).code).toBe('setup.rolloutDemo');
  });

  it('refuses files that are not roll-out files, with a clear code', () => {
    const window = { id: 'W02', name: '跨省通办专窗 2 号' };
    expect(appError(() => importRollout('not json {', window)).code).toBe('setup.rolloutInvalid');
    expect(appError(() => importRollout(JSON.stringify(configured()), window)).code).toBe('setup.rolloutInvalid');
    const file = JSON.parse(exportRollout(configured(), NOW)) as { format: string; config: Record<string, unknown> };
    expect(appError(() => importRollout(JSON.stringify({ ...file, format: 'tongban-rollout/9' }), window)).code).toBe(
      'setup.rolloutInvalid',
    );
    // A roll-out file whose hall is broken, or a window name that is placeholder text: config.invalid.
    const broken = { ...file, config: { ...file.config, regionCode: '51' } };
    const invalid = appError(() => importRollout(JSON.stringify(broken), window));
    expect(invalid.code).toBe('config.invalid');
    expect(invalid.detail).toContain('regionCode');
    const text = exportRollout(configured(), NOW);
    expect(appError(() => importRollout(text, { id: 'W02', name: 'XX窗口' })).code).toBe('config.invalid');
    expect(appError(() => importRollout(text, { id: 'W 02', name: '跨省通办专窗 2 号' })).code).toBe('config.invalid');
  });
});

describe('tongban config export|import', () => {
  function configuredDir(): string {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(configured()));
    return dir;
  }

  it('exports to a file, imports it on the next window, and says what enrolment is left', async () => {
    const from = configuredDir();
    const out = join(tempDir(), 'hall.json');
    const exported = capture();
    expect(await runTongbanCli(['config', 'export', '--data-dir', from, '--out', out], exported)).toBe(0);
    expect(exported.errLines).toEqual([`已导出大厅配置（不含任何密钥与令牌）：${out}`]);

    const next = join(tempDir(), 'window-2');
    const imported = capture();
    const code = await runTongbanCli(
      ['config', 'import', out, '--window-id', 'W02', '--window-name', '跨省通办专窗 2 号', '--data-dir', next],
      imported,
    );
    expect(code, imported.errLines.join('\n')).toBe(0);
    const file = join(next, 'config.json');
    expect(imported.outLines[0]).toBe(`已写入配置：${file}（窗口 W02「跨省通办专窗 2 号」）。`);
    expect(imported.outLines[1]).toMatch(/尚未在审批部门登记.*公钥.*接入令牌.*tongban doctor/);
    const written = parseConfig(readFileSync(file, 'utf8'));
    expect({ ...written, window: configured().window }).toEqual(configured());
    expect(written.window).toEqual({ id: 'W02', name: '跨省通办专窗 2 号' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(next)).toEqual(['config.json']);
  });

  it('exports to stdout', async () => {
    const io = capture();
    expect(await runTongbanCli(['config', 'export', '--data-dir', configuredDir()], io)).toBe(0);
    expect(JSON.parse(io.outLines.join('\n'))).toMatchObject({ format: ROLLOUT_FORMAT, fromWindow: 'W01' });
  });

  it('refuses to replace a config.json without --force, and replaces it with', async () => {
    const out = join(tempDir(), 'hall.json');
    await runTongbanCli(['config', 'export', '--data-dir', configuredDir(), '--out', out], capture());
    const target = configuredDir();
    const before = readFileSync(join(target, 'config.json'), 'utf8');
    const args = ['config', 'import', out, '--window-id', 'W03', '--window-name', '跨省通办专窗 3 号'];
    const refused = capture();
    expect(await runTongbanCli([...args, '--data-dir', target], refused)).toBe(1);
    expect(refused.errLines[0]).toBe(
      `失败：${join(target, 'config.json')} 已存在，未做任何修改。如确要替换，请加 --force。`,
    );
    expect(readFileSync(join(target, 'config.json'), 'utf8')).toBe(before);
    expect(await runTongbanCli([...args, '--data-dir', target, '--force'], capture())).toBe(0);
    expect(parseConfig(readFileSync(join(target, 'config.json'), 'utf8')).window.id).toBe('W03');
  });

  it('writes nothing for a file that is not a roll-out file, or a missing one', async () => {
    const target = join(tempDir(), 'new');
    const bad = join(tempDir(), 'bad.json');
    writeFileSync(bad, '{"format":"something else"}');
    const io = capture();
    const args = ['--window-id', 'W02', '--window-name', '跨省通办专窗 2 号', '--data-dir', target];
    expect(await runTongbanCli(['config', 'import', bad, ...args], io)).toBe(1);
    expect(io.errLines[0]).toMatch(/^失败：所选文件不是通办专窗导出的大厅配置文件/);
    const placeholder = capture();
    const named = ['--window-id', 'W02', '--window-name', 'XX窗口', '--data-dir', target];
    const good = join(tempDir(), 'hall.json');
    writeFileSync(good, exportRollout(configured(), NOW));
    expect(await runTongbanCli(['config', 'import', good, ...named], placeholder)).toBe(1);
    expect(placeholder.errLines[0]).toMatch(/^失败：导入后的配置有误/);
    expect(placeholder.errLines[1]).toMatch(/window\.name: is placeholder text/);
    const missing = capture();
    expect(await runTongbanCli(['config', 'import', join(target, 'none.json'), ...args], missing)).toBe(1);
    expect(missing.errLines[0]).toMatch(/^失败：无法读取文件/);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses to export from a window still in the demo profile', async () => {
    const io = capture();
    expect(await runTongbanCli(['config', 'export', '--data-dir', tempDir()], io)).toBe(1);
    expect(io.errLines[0]).toMatch(/^失败：本机仍是演示模式/);
  });

  it('answers a command line it does not understand with the usage, exit 2', async () => {
    for (const argv of [
      [],
      ['config', 'import', 'hall.json'],
      ['config', 'import', 'hall.json', '--window-id', 'W02'],
      ['doctor', '--no-such-flag'],
      ['frobnicate'],
    ]) {
      const io = capture();
      expect(await runTongbanCli(argv, io), argv.join(' ')).toBe(2);
      if (argv.length > 0) expect(io.errLines[0]).toBe('命令有误。用法如下：');
    }
  });
});
