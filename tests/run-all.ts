// `npm test`: every suite in one run — first the check that the system has what the
// tests need beyond npm (tests/system-deps.ts: installs it as root on Debian, else
// stops with one message), then the build (the kill -9 and end-to-end
// tests run the built app as a real process), then Vitest (core with real SQLite,
// renderer in jsdom), then Playwright in Debian's Chromium — closing with one plain
// line `N passed, N failed` summed over all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSystemDeps, realSystem } from './system-deps.ts';

const systemExit = ensureSystemDeps(realSystem());
if (systemExit !== 0) process.exit(systemExit);

const reportDir = join('test-results');
mkdirSync(reportDir, { recursive: true });
const vitestReport = join(reportDir, 'vitest.json');
const playwrightReport = join(reportDir, 'playwright.json');

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): number {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const buildExit = run(npm, ['run', 'build']);
const vitestExit = run(npx, ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
const playwrightExit =
  buildExit === 0
    ? run(npx, ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport })
    : 1;

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestReport)) {
  const report = JSON.parse(readFileSync(vitestReport, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
} else failed += 1;
if (existsSync(playwrightReport) && buildExit === 0) {
  const { stats } = JSON.parse(readFileSync(playwrightReport, 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
} else failed += 1; // the build or Playwright itself failed before reporting

// A suite that failed without a failing test (crash, build error) still fails the run.
const exit = vitestExit || buildExit || playwrightExit || (failed > 0 ? 1 : 0);
if (exit !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(exit);
