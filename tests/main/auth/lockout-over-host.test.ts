// Guessing passwords the way an attacker on the hall's loopback would: many calls in
// one batch over a real browser-host WebSocket, with nothing waiting between them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type ResultMessage } from '../../../src-main/api/wire.ts';
import { startBrowserHost } from '../../../src-main/host/server.ts';
import { bootTestCore, tempDir } from '../helpers.ts';
import { redeemOpenUrl } from '../sync/process-harness.ts';

const STRONG = 'Counter#2026';
const WRONG = 'Wrong#pass1';

async function hallOverHost() {
  const { core } = await bootTestCore();
  const setup = core.openConnection(() => undefined);
  let setupId = 0;
  const local = (method: string, input: unknown = {}) => setup.handle({ type: 'call', id: ++setupId, method, input });
  await local('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });
  await local('users.create', { username: 'admin2', displayName: '运维二', role: 'installer', password: STRONG });

  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>通办</title>');
  const host = await startBrowserHost({ core, rendererDir });
  const { body } = await redeemOpenUrl(host.openUrl());
  const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api?token=${body.token as string}`, { origin: host.origin });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const waiting = new Map<number, (result: { message: ResultMessage; bytes: Buffer }) => void>();
  ws.on('message', (data: Buffer) => {
    const message = decodeMessage(data) as ResultMessage | { type: 'event' };
    if (message.type === 'result') waiting.get(message.id)?.({ message, bytes: data });
  });
  let id = 0;
  /** Sends at once; the answer (decoded, and its raw frame) arrives whenever the host sends it. */
  const send = (method: string, input: unknown = {}) => {
    const mine = ++id;
    const answer = new Promise<{ message: ResultMessage; bytes: Buffer }>((resolve) => waiting.set(mine, resolve));
    ws.send(encodeMessage({ type: 'call', id: mine, method, input }));
    return answer;
  };
  return {
    core,
    local,
    send,
    async close() {
      ws.close();
      await host.close();
    },
  };
}

const lockedUntilOf = async (local: (method: string) => Promise<ResultMessage>, username: string) => {
  const list = await local('users.list');
  const users = list.ok ? (list.value as { users: Array<{ username: string; lockedUntil: number | null }> }).users : [];
  return users.find((user) => user.username === username)?.lockedUntil ?? null;
};

// Each password check is a full-cost scrypt (about a second on a busy machine), one after another.
describe('lockout over the browser host', { timeout: 120_000 }, () => {
  it('locks after exactly maxFailedAttempts even when 40 guesses arrive in one batch', async () => {
    const { core, local, send, close } = await hallOverHost();
    const max = core.config.security.maxFailedAttempts;
    await local('auth.logout');
    await local('auth.login', { username: 'admin2', password: STRONG });

    // One short of the limit, all at once: not locked, and the right password still works.
    const few = await Promise.all(Array.from({ length: max - 1 }, () => send('auth.login', { username: 'admin', password: WRONG })));
    expect(few.every(({ message }) => !message.ok && message.error.code === 'auth.invalidCredentials')).toBe(true);
    expect(await lockedUntilOf(local, 'admin')).toBeNull();
    expect((await send('auth.login', { username: 'admin', password: STRONG })).message.ok).toBe(true);
    await send('auth.logout');

    const batch = await Promise.all(Array.from({ length: 40 }, () => send('auth.login', { username: 'admin', password: WRONG })));
    expect(batch.every(({ message }) => !message.ok && message.error.code === 'auth.invalidCredentials')).toBe(true);
    expect(await lockedUntilOf(local, 'admin')).not.toBeNull();
    const right = (await send('auth.login', { username: 'admin', password: STRONG })).message;
    expect(right).toMatchObject({ ok: false, error: { code: 'auth.invalidCredentials' } });
    await close();
  });

  it('answers an unknown username exactly like a wrong password, byte for byte apart from the id', async () => {
    const { send, close } = await hallOverHost();
    const sameId = (bytes: Buffer) => {
      const message = decodeMessage(bytes) as ResultMessage;
      return Buffer.from(encodeMessage({ ...message, id: 0 }));
    };
    const unknown = await send('auth.login', { username: 'nobody', password: WRONG });
    const wrong = await send('auth.login', { username: 'admin', password: WRONG });
    expect(unknown.message.ok).toBe(false);
    expect(sameId(unknown.bytes)).toEqual(sameId(wrong.bytes));
    // Still the same after the account locked: the lock does not tell that the account exists.
    for (let i = 0; i < 5; i++) await send('auth.login', { username: 'admin', password: WRONG });
    const locked = await send('auth.login', { username: 'admin', password: WRONG });
    expect(sameId(locked.bytes)).toEqual(sameId(unknown.bytes));
    await close();
  });
});
