// The layers of issue #8 are enforced by `npm run lint` (dependency-cruiser with
// .dependency-cruiser.mjs). The rules are themselves under test: tests/fixtures/layers
// is a tiny copy of the repository's layout where each file makes one import,
// allowed or forbidden, and every forbidden one must be reported by its rule.
import { cruise } from 'dependency-cruiser';
import type { ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

type Violation = ICruiseResult['summary']['violations'][number];

const FIXTURES = 'tests/fixtures/layers/';

/** Cruises the given folders exactly as `npm run lint` does: same config, same tsconfig. */
async function cruiseWithRepoRules(folders: string[]): Promise<Violation[]> {
  const options = await extractDepcruiseOptions('./.dependency-cruiser.mjs');
  const result = await cruise(folders, options, {}, { tsConfig: extractTSConfig('tsconfig.json') });
  if (typeof result.output === 'string') throw new Error('expected a cruise result, got a report');
  return result.output.summary.violations;
}

/** One line per violation, fixture prefix dropped: `rule: from → to`. */
const describeViolation = (v: Violation): string => `${v.rule.name}: ${v.from} → ${v.to}`.replaceAll(FIXTURES, '');

describe('layers: each forbidden import fails the lint with its rule', () => {
  let violations: Violation[] = [];
  beforeAll(async () => {
    violations = await cruiseWithRepoRules([FIXTURES]);
  });

  /** Names of the rules the import `from` → `to` breaks (paths inside the fixture tree). */
  const rulesBrokenBy = (from: string, to: string): string[] =>
    violations.filter((v) => v.from === FIXTURES + from && v.to === FIXTURES + to).map((v) => v.rule.name);

  it.each([
    [
      'the renderer imports a domain module',
      'src-renderer/bad-intake.ts',
      'src-main/intake/draft.ts',
      'renderer-imports-only-api-and-common',
    ],
    [
      'common imports the store',
      'src-main/common/bad-store.ts',
      'src-main/store/database.ts',
      'common-imports-only-common',
    ],
    [
      'a domain module imports the core',
      'src-main/intake/bad-core.ts',
      'src-main/core/hall-core.ts',
      'domain-not-to-outer-layers',
    ],
    [
      'a domain module imports the contract',
      'src-main/intake/bad-contract.ts',
      'src-main/api/contract.ts',
      'domain-not-to-outer-layers',
    ],
    [
      'devices import a domain module',
      'src-main/devices/bad-scanner.ts',
      'src-main/intake/draft.ts',
      'devices-imports-only-common-and-store',
    ],
    [
      'the main process imports the renderer',
      'src-main/host/bad-renderer.ts',
      'src-renderer/screens/Queue.ts',
      'main-not-to-renderer',
    ],
    [
      'a product folder other than demo imports dept-inbox',
      'src-main/core/bad-inbox.ts',
      'dept-inbox/src/server.ts',
      'only-demo-imports-dept-inbox',
    ],
  ])('%s', (_what, from, to, rule) => {
    expect(rulesBrokenBy(from, to)).toEqual([rule]);
  });

  // depcruise names a builtin without its `node:` prefix.
  it.each([
    ['the renderer imports node:fs', 'src-renderer/bad-fs.ts', 'fs', 'renderer-no-node-builtins'],
    ['common imports node:crypto', 'src-main/common/bad-crypto.ts', 'crypto', 'common-no-node-builtins'],
  ])('%s', (_what, from, to, rule) => {
    const broken = violations.filter((v) => v.from === FIXTURES + from && v.to === to).map((v) => v.rule.name);
    expect(broken).toEqual([rule]);
  });

  it('two files importing each other form a cycle, even when the imports are type-only', () => {
    const cycles = violations.filter((v) => v.rule.name === 'no-circular');
    expect(cycles.length).toBeGreaterThan(0);
    for (const cycle of cycles) {
      expect(cycle.from).toMatch(/src-main\/catalog\/cycle-[ab]\.ts$/);
      expect(cycle.cycle?.map((step) => step.name.replace(FIXTURES, '')).sort()).toEqual([
        'src-main/catalog/cycle-a.ts',
        'src-main/catalog/cycle-b.ts',
      ]);
    }
  });

  it.each([
    ['the renderer imports the contract and common', 'src-renderer/screens/Queue.ts'],
    ['a domain module imports the store', 'src-main/intake/draft.ts'],
    ['the store and the contract import common', 'src-main/store/database.ts'],
    ['the demo profile embeds dept-inbox', 'src-main/demo/profile.ts'],
    ['dept-inbox imports common', 'dept-inbox/src/server.ts'],
    ['the core imports a domain module', 'src-main/core/hall-core.ts'],
  ])('allows: %s', (_what, from) => {
    expect(violations.filter((v) => v.from === FIXTURES + from).map(describeViolation)).toEqual([]);
  });

  it('makes the depcruise command of npm run lint exit non-zero', () => {
    const run = spawnSync('node_modules/.bin/depcruise', [FIXTURES, '--config', '.dependency-cruiser.mjs'], {
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('renderer-imports-only-api-and-common');
  });

  it('reports nothing but the planted violations', () => {
    expect(violations.map(describeViolation).sort()).toEqual([
      'common-imports-only-common: src-main/common/bad-store.ts → src-main/store/database.ts',
      'common-no-node-builtins: src-main/common/bad-crypto.ts → crypto',
      'devices-imports-only-common-and-store: src-main/devices/bad-scanner.ts → src-main/intake/draft.ts',
      'domain-not-to-outer-layers: src-main/intake/bad-contract.ts → src-main/api/contract.ts',
      'domain-not-to-outer-layers: src-main/intake/bad-core.ts → src-main/core/hall-core.ts',
      'main-not-to-renderer: src-main/host/bad-renderer.ts → src-renderer/screens/Queue.ts',
      expect.stringMatching(/^no-circular: src-main\/catalog\/cycle-[ab]\.ts → src-main\/catalog\/cycle-[ab]\.ts$/),
      'only-demo-imports-dept-inbox: src-main/core/bad-inbox.ts → dept-inbox/src/server.ts',
      'renderer-imports-only-api-and-common: src-renderer/bad-intake.ts → src-main/intake/draft.ts',
      'renderer-no-node-builtins: src-renderer/bad-fs.ts → fs',
    ]);
  });
});

describe('layers: the real tree', () => {
  // A failure lists every violation, one per line.
  it('has no forbidden import and no cycle in src-main, src-renderer and dept-inbox/src', async () => {
    const violations = await cruiseWithRepoRules(['src-main', 'src-renderer', 'dept-inbox/src']);
    expect(violations.map(describeViolation).sort()).toEqual([]);
  }, 60_000);
});

describe('layers: the map in docs/architecture.md', () => {
  // Fails when a change adds or drops an import between layer folders and nobody ran
  // `npm run arch` (which redraws the diagram) before committing.
  it('is the diagram the code gives (npm run arch -- --check)', () => {
    const run = spawnSync('node_modules/.bin/tsx', ['docs/arch.ts', '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 60_000);
});
