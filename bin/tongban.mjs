#!/usr/bin/env node
// `npx tongban …` (see src-main/installer/cli.ts): in a checkout the TypeScript source runs
// through tsx, so it works right after `npm install`, without a build; a packaged copy runs
// the compiled file.
import { existsSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const source = new URL('src-main/installer/cli.ts', root);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import(new URL('dist/src-main/installer/cli.js', root).href);
}
process.exitCode = await cli.runTongbanCli(process.argv.slice(2));
