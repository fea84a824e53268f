// The profile guard's one allowed change: a demo data directory without demo work becomes
// a configured hall's (the setup wizard's first save on a fresh PC), recorded in the
// audit; a demo that was worked in keeps the refusal, with what it holds named.
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../src-main/common/errors.ts';
import { AUDIT_STREAM } from '../../../src-main/recording/event-log.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { clerkOn, client, SOCIAL_CARD, STRONG } from '../intake/fixtures.ts';
import { writeHallConfig } from '../sync/process-harness.ts';

describe('demo → configured', () => {
  it('turns a fresh demo (accounts, catalog, audit only) into the hall of the new config, and records it', async () => {
    const demo = await bootTestCore();
    const admin = client(demo.core.openConnection(() => undefined));
    await admin.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
    // The embedded demo inbox enrolled the window by itself.
    const { db } = openCoreStore(demo.dataDir);
    const systemTokens = () =>
      (db.prepare("SELECT COUNT(*) AS n FROM sync_credentials WHERE set_by = 'system'").get() as { n: number }).n;
    for (let waited = 0; systemTokens() === 0 && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(systemTokens()).toBe(1);
    await demo.core.close();

    writeHallConfig(demo.dataDir, 'https://dept.example.cn/inbox');
    const hall = await bootTestCore({ dataDir: demo.dataDir, clock: demo.clock });
    expect(hall.core.info).toMatchObject({ profile: 'configured', hallName: '测试政务服务中心' });
    // The accounts stay: the installer signs in as before.
    const installer = client(hall.core.openConnection(() => undefined));
    await installer.call('auth.login', { username: 'admin', password: STRONG });

    expect(db.prepare('SELECT profile, hall_id FROM hall_profile').get()).toEqual({
      profile: 'configured',
      hall_id: 'test-hall',
    });
    const changed = db
      .prepare<[string], { payload: string }>(
        "SELECT payload FROM event_log WHERE stream = ? AND kind = 'hall.profileChanged'",
      )
      .all(AUDIT_STREAM);
    expect(changed.map((row) => JSON.parse(row.payload) as unknown)).toEqual([
      { from: 'demo', to: 'configured', fromHall: 'demo-hall', toHall: 'test-hall' },
    ]);
    // The demo inbox's own enrolment does not follow the PC into the hall.
    expect(systemTokens()).toBe(0);
  });

  it('refuses a demo that holds demo work, names it, and changes nothing', async () => {
    const demo = await bootTestCore();
    const clerk = await clerkOn(demo.core);
    await clerk.call('drafts.create', { itemCode: SOCIAL_CARD });
    await demo.core.close();

    writeHallConfig(demo.dataDir, 'https://dept.example.cn/inbox');
    const error = await bootTestCore({ dataDir: demo.dataDir }).then(
      () => {
        throw new Error('booted');
      },
      (failure: unknown) => failure as AppError,
    );
    expect(error.code).toBe('config.profileMismatch');
    expect(error.detail).toContain('drafts');
    expect(error.detail).toContain('Nothing was changed');
    const { db } = openCoreStore(demo.dataDir);
    expect(db.prepare('SELECT profile FROM hall_profile').get()).toEqual({ profile: 'demo' });
  });
});
