// The server-side idle lock counts what the user does, not what the UI reads on its own
// (refreshes on timers and events), and tells the connection the moment it locks.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventMessage, ResultMessage } from '../../../src-main/api/wire.ts';
import { bootTestCore } from '../helpers.ts';

const STRONG = 'Counter#2026';
const MINUTE = 60_000;

afterEach(() => {
  vi.useRealTimers();
});

async function signedIn() {
  const test = await bootTestCore();
  const events: EventMessage[] = [];
  const connection = test.core.openConnection((event) => events.push(event));
  let id = 0;
  const call = (method: string, input: unknown = {}): Promise<ResultMessage> =>
    connection.handle({ type: 'call', id: ++id, method, input });
  expect((await call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG })).ok).toBe(true);
  const sessionEvents = () => events.filter((event) => event.name === 'session.changed').map((event) => event.payload);
  return { ...test, call, sessionEvents };
}

describe('idle lock on the server', () => {
  it('does not count the UI’s background reads as activity, and pushes session.changed when it locks', async () => {
    const { core, call, clock, sessionEvents } = await signedIn();
    expect(core.config.security.idleLockMinutes).toBe(10);
    for (let i = 0; i < 3; i++) {
      clock.advance(3 * MINUTE);
      expect((await call('health.snapshot')).ok).toBe(true);
      expect((await call('sync.status')).ok).toBe(true);
      expect((await call('app.info')).ok).toBe(true);
      expect((await call('auth.session')).ok).toBe(true);
    }
    clock.advance(1 * MINUTE + 1);
    expect(sessionEvents()).toEqual([]);
    expect(await call('health.snapshot')).toMatchObject({ ok: false, error: { code: 'auth.locked' } });
    expect(sessionEvents()).toEqual([expect.objectContaining({ locked: true, user: expect.objectContaining({ username: 'admin' }) })]);
  });

  it('keeps the session open while the user acts', async () => {
    const { call, clock, sessionEvents } = await signedIn();
    for (let i = 0; i < 3; i++) {
      clock.advance(6 * MINUTE);
      expect((await call('users.list')).ok).toBe(true);
    }
    expect((await call('health.snapshot')).ok).toBe(true);
    expect(sessionEvents()).toEqual([]);
  });

  it('locks an idle session on its own and tells the connection, without waiting for a call', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { call, clock, sessionEvents } = await signedIn();
    clock.advance(10 * MINUTE + 1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sessionEvents()).toEqual([expect.objectContaining({ locked: true })]);
    // Unlocking is the user's doing: no event for what the call itself answers.
    expect(await call('auth.unlock', { password: STRONG })).toMatchObject({ ok: true, value: { locked: false } });
    expect(sessionEvents()).toHaveLength(1);
  });
});
