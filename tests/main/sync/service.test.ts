// The parts around the worker: backoff and Retry-After, the config's rules for
// departments, the window's keys kept sealed across restarts, and pause surviving one.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../src-main/common/errors.ts';
import { loadConfig } from '../../../src-main/core/config.ts';
import { backoffDelay, MAX_BACKOFF_MS, parseRetryAfter } from '../../../src-main/sync/backoff.ts';
import { client, STRONG } from '../intake/fixtures.ts';
import { Hall, startInbox, tempDir } from './helpers.ts';

describe('backoff', () => {
  it('draws full jitter under an exponential ceiling capped at 15 minutes', () => {
    expect(backoffDelay(1, () => 0.999)).toBeLessThan(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(2000);
    expect(backoffDelay(40, () => 0.999999)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    expect(backoffDelay(40, () => 0.999999)).toBeGreaterThan(MAX_BACKOFF_MS - 1000);
    expect(backoffDelay(5, () => 0)).toBe(100); // never a busy loop
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
    const now = Date.UTC(2026, 10, 25, 1, 0, 0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('999999', now)).toBe(60 * 60_000); // capped
  });
});

describe('config for sync', () => {
  function configError(config: unknown): AppError {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    try {
      loadConfig(dir);
    } catch (error) {
      return error as AppError;
    }
    throw new Error('config was accepted');
  }
  const base = {
    hall: { id: 'h', name: '某政务服务中心' },
    window: { id: 'W01', name: '1 号窗' },
    regionCode: '110105',
    departments: [{ id: 'd1', name: '某局', regionCodes: ['51'], endpoint: 'https://inbox.example.cn' }],
  };

  it('needs a window id the departments can enrol, and each department once', () => {
    const badWindow = configError({ ...base, window: { id: '3号窗', name: '3 号窗' } });
    expect(badWindow).toMatchObject({ code: 'config.invalid' });
    expect(badWindow.detail).toContain('window.id');
    const twice = configError({ ...base, departments: [...base.departments, ...base.departments] });
    expect(twice.detail).toContain('listed twice');
  });
});

describe('sync service', () => {
  it('keeps the window key sealed and the same across restarts, and a pause stays paused', async () => {
    const inbox = await startInbox();
    const hall = await Hall.open({ endpoint: inbox.url, scheme: 'sm2' });
    const first = await hall.installer.call<{
      windowId: string;
      departments: Array<{ publicKey: string; scheme: string }>;
    }>('sync.enrolment');
    expect(first.windowId).toBe('W01');
    expect(first.departments[0]).toMatchObject({
      scheme: 'sm2',
      publicKey: expect.stringMatching(/^04[0-9a-f]{128}$/),
    });
    expect(await hall.clerk.fail('sync.enrolment')).toMatchObject({ code: 'auth.forbidden' });

    await hall.installer.call('sync.pause');
    await hall.restart();
    const again = await hall.installer.call<{ departments: Array<{ publicKey: string }> }>('sync.enrolment');
    expect(again.departments[0]?.publicKey).toBe(first.departments[0]?.publicKey);
    expect(await hall.clerk.call<{ paused: boolean }>('sync.status')).toMatchObject({ paused: true });

    const db = hall.openDb();
    const row = db
      .prepare<[], { private_sealed: Buffer }>("SELECT private_sealed FROM sync_keys WHERE scheme = 'sm2'")
      .get()!;
    db.close();
    // Sealed: the 32-byte scalar is nowhere in the stored bytes as hex or raw.
    expect(row.private_sealed.toString('latin1')).not.toMatch(/[0-9a-f]{64}/);
    expect(row.private_sealed.length).toBe(1 + 12 + 64 + 16);
    expect(
      await hall.clerk.fail('sync.retryNow', { packetId: '01234567-89ab-7def-8123-456789abcdef', version: 1 }),
    ).toMatchObject({ code: 'sync.packetNotQueued' });
  });

  it('lets a supervisor or installer pause sending for the hall, not a clerk, and shows the pause in health', async () => {
    const hall = await Hall.open();
    const syncHealth = async () =>
      (await hall.clerk.call<{ entries: Array<{ id: string; state: string; reason?: string }> }>('health.snapshot')).entries.find(
        (entry) => entry.id === 'sync',
      );
    expect(await hall.clerk.fail('sync.pause')).toMatchObject({ code: 'auth.forbidden' });
    expect(await hall.clerk.fail('sync.resume')).toMatchObject({ code: 'auth.forbidden' });
    expect((await hall.clerk.call<{ paused: boolean }>('sync.status')).paused).toBe(false);
    expect((await syncHealth())?.state).not.toBe('paused');

    await hall.installer.call('users.create', { username: 'lead01', displayName: '值班长', role: 'supervisor', password: STRONG });
    const lead = client(hall.core.openConnection(() => undefined));
    await lead.call('auth.login', { username: 'lead01', password: STRONG });
    expect((await lead.call<{ paused: boolean }>('sync.pause')).paused).toBe(true);
    expect(await syncHealth()).toMatchObject({ state: 'paused', reason: 'paused' });

    // Paused outlives a restart, and the board says so from the start.
    await hall.restart();
    expect(await syncHealth()).toMatchObject({ state: 'paused', reason: 'paused' });
    expect((await hall.installer.call<{ paused: boolean }>('sync.resume')).paused).toBe(false);
    expect((await syncHealth())?.state).not.toBe('paused');
  });
});
