// The core must run under plain Node: the lint rule that keeps `electron` out of
// everything but the Electron shell is itself under test.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });
const source = "import { app } from 'electron';\nexport const name = app.getName();\n";

async function electronImportErrors(filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

describe('lint: electron stays in the shell', () => {
  it('rejects a core file that imports electron', async () => {
    const errors = await electronImportErrors('src-main/core/bad-example.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Only src-main/app/**');
  });

  it('rejects it in the store, host, devices and the renderer too', async () => {
    for (const file of ['src-main/store/x.ts', 'src-main/host/x.ts', 'src-main/devices/x.ts', 'src-renderer/x.ts']) {
      expect(await electronImportErrors(file), file).toHaveLength(1);
    }
  });

  it('allows the Electron shell to import electron', async () => {
    expect(await electronImportErrors('src-main/app/window.ts')).toEqual([]);
  });

  it('also catches require() and dynamic import() in the core', async () => {
    for (const text of ["const { app } = require('electron');\nmodule.exports = app;\n", "export const app = await import('electron');\n"]) {
      const [result] = await eslint.lintText(text, { filePath: 'src-main/core/bad-example.cts' });
      const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax');
      expect(messages.map((m) => m.message), text).toEqual([expect.stringContaining('Only src-main/app/**')]);
    }
  });
});
