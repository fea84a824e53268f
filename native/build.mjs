// Builds the native addon (native/build/Release/tongban_native.node) with node-gyp.
// Run by npm as the root package's `install` script, so `npm install` and `npm ci` on a
// fresh clone build it; `npm run build:native` runs it again by hand.
//
// The addon is optional at run time (the photo decoder and the vendor-SDK reader need it,
// nothing else does), so at install a failed build — no compiler, no Python, no
// node-addon-api (`--omit=dev`) — is a warning and exit 0, never a failed install.
// `--required` (the tests, `npm run build:native`) makes it exit 1 instead.
// TONGBAN_SKIP_NATIVE=1 skips it.
//
// Plain JavaScript on purpose: it runs before anything is compiled, and under
// `npm ci --omit=dev` without tsx.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const required = process.argv.includes('--required');
const require = createRequire(import.meta.url);

function giveUp(reason) {
  const line = `tongban-desk: the native addon was not built (${reason}). The app runs without it; the ID card photo decoder and the vendor-SDK card reader need it (docs/devices.md, "Native addon").`;
  process.stderr.write(`${required ? 'error' : 'warning'}: ${line}\n`);
  process.exit(required ? 1 : 0);
}

if (process.env.TONGBAN_SKIP_NATIVE === '1' && !required) giveUp('TONGBAN_SKIP_NATIVE=1');

/** npm hands its own node-gyp to lifecycle scripts; outside npm, the one in node_modules. */
function nodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return fromNpm;
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

const gyp = nodeGyp();
if (!gyp) giveUp('node-gyp not found');
try {
  require.resolve('node-addon-api');
} catch {
  giveUp('node-addon-api is not installed (a dev dependency)');
}

const args = [gyp, 'rebuild', `--directory=${here}`];
// Node installed with its headers (Linux packages, the official tarballs) needs no
// download of them: offline machines build too.
const prefix = join(dirname(process.execPath), '..');
if (
  process.platform !== 'win32' &&
  !process.env.npm_config_nodedir &&
  existsSync(join(prefix, 'include', 'node', 'node_api.h'))
) {
  args.push(`--nodedir=${prefix}`);
}

const result = spawnSync(process.execPath, args, {
  cwd: here,
  // npm shows an install script's output only when it fails; a build by hand shows it all.
  stdio: ['ignore', required ? 'inherit' : 'pipe', required ? 'inherit' : 'pipe'],
  timeout: 10 * 60 * 1000,
});
if (result.error) giveUp(`node-gyp could not run: ${result.error.message}`);
if (result.status !== 0) {
  // node-gyp's own boilerplate (versions, cwd, the command) says nothing about the cause.
  const boilerplate = /^gyp (info|http|verb)|^gyp ERR! (node -v|node-gyp -v|cwd|command|System|\$npm|not ok)/;
  const tail = String(result.stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !boilerplate.test(line))
    .slice(-4)
    .join(' | ');
  giveUp(`node-gyp exited ${result.status ?? result.signal}${tail ? `: ${tail}` : ''}`);
}
if (!existsSync(join(here, 'build', 'Release', 'tongban_native.node'))) giveUp('node-gyp made no tongban_native.node');
process.stderr.write('tongban-desk: native addon built (native/build/Release/tongban_native.node)\n');
