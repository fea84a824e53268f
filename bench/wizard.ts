// The wizard's keystroke-to-paint latency in Chromium with 1,000 drafts in the
// database: from a key's event time to the frame after React has handled it.
import { existsSync, rmSync } from 'node:fs';
import type { ResultMessage } from '../src-main/api/wire.ts';
import { bootCore, hostPage, record, workDir } from './support.ts';

const PASSWORD = 'Bench#2026x';
const DRAFTS = 1000;

async function seed(dataDir: string): Promise<void> {
  const core = await bootCore(dataDir);
  let id = 0;
  const connection = core.openConnection(() => undefined);
  const call = async (method: string, input: unknown = {}) => {
    const result: ResultMessage = await connection.handle({ type: 'call', id: ++id, method, input });
    if (!result.ok) throw new Error(`${method}: ${result.error.code}`);
    return result.value as { id: string };
  };
  await call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: PASSWORD });
  await call('users.create', { username: 'clerk', displayName: '窗口', role: 'clerk', password: PASSWORD });
  await call('auth.logout');
  await call('auth.login', { username: 'clerk', password: PASSWORD });
  const items = ['KSTB-RS-0001', 'KSTB-GA-0004', 'KSTB-GJJ-0001', 'KSTB-YB-0001'];
  for (let i = 0; i < DRAFTS; i++) {
    const draft = await call('drafts.create', { itemCode: items[i % items.length] });
    await call('drafts.save', { id: draft.id, patch: { answers: { phone: `138${String(i).padStart(8, '0')}` } } });
  }
  await core.close();
}

export async function benchWizard(): Promise<void> {
  // Before the seed, which takes a while: the host runs from the build.
  if (!existsSync('dist/src-main/host/cli.js')) throw new Error('run `npm run build` first');
  const dataDir = workDir();
  const seedStarted = performance.now();
  await seed(dataDir);
  record('seed 1,000 drafts through the contract', `${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const { page, close } = await hostPage(dataDir);
  try {
    await page.getByLabel('用户名').fill('clerk');
    await page.getByLabel('密码').fill(PASSWORD);
    const homeStarted = performance.now();
    await page.getByLabel('密码').press('Enter');
    await page.getByRole('button', { name: '继续办理' }).nth(DRAFTS - 1).waitFor();
    record('home with 1,000 unfinished drafts, sign-in to listed', `${(performance.now() - homeStarted).toFixed(0)} ms`);

    await page.getByRole('button', { name: '继续办理' }).first().click();
    // ID numbers are keyed digit by digit, and each key runs the live check-digit validation.
    const field = page.getByLabel('公民身份号码');
    await field.click();
    await page.evaluate(() => {
      const samples: number[] = [];
      (window as unknown as { keySamples: number[] }).keySamples = samples;
      document.addEventListener(
        'keydown',
        (event) => {
          // The frame after this one is the first that can show the key's effect.
          requestAnimationFrame(() => requestAnimationFrame(() => samples.push(performance.now() - event.timeStamp)));
        },
        true,
      );
    });
    for (const id of ['510104199003071248', '11010519491231002X', '440305198807126634']) {
      await field.fill('');
      await page.keyboard.type(id, { delay: 60 });
    }
    await page.waitForTimeout(500);
    const samples = (await page.evaluate(() => (window as unknown as { keySamples: number[] }).keySamples)).sort(
      (a, b) => a - b,
    );
    const pct = (p: number) => samples[Math.floor((samples.length - 1) * p)]!.toFixed(1);
    record(
      'wizard keystroke to painted frame, 1,000 drafts in the database',
      `p50 ${pct(0.5)} ms, p95 ${pct(0.95)} ms`,
      `${samples.length} keys; includes up to one frame of vsync wait`,
    );
  } finally {
    await close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
