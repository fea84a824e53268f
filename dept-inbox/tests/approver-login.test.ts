// Signing in on the approver page: guessing is slowed per remote address, sessions that
// ran out are dropped rather than kept forever, and the cookie is Secure where the page
// is served over TLS.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { enrolApprover } from '../src/admin.ts';
import { ApproverSessions, DEFAULT_THROTTLE, LoginThrottle } from '../src/approver-sessions.ts';
import type { Inbox } from '../src/server.ts';
import { startInbox } from './helpers.ts';

interface Answer {
  status: number;
  body: string;
  setCookie: string | undefined;
  retryAfter: string | undefined;
  location: string | undefined;
}

/** A form POST from a chosen loopback address (Linux routes all of 127/8 to lo). */
function post(
  inbox: Inbox,
  path: string,
  form: Record<string, string>,
  options: { from?: string; cookie?: string } = {},
) {
  const body = new URLSearchParams(form).toString();
  return new Promise<Answer>((resolve, reject) => {
    const request = httpRequest(
      `${inbox.url}${path}`,
      {
        method: 'POST',
        localAddress: options.from ?? '127.0.0.1',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(body)),
          ...(options.cookie ? { cookie: options.cookie } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            body: Buffer.concat(chunks).toString(),
            setCookie: response.headers['set-cookie']?.join('\n'),
            retryAfter: response.headers['retry-after'],
            location: response.headers.location,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const signIn = (inbox: Inbox, token: string, from?: string) => post(inbox, '/approver/login', { token }, { from });
const guess = () => `tba_${randomBytes(32).toString('base64url')}`;

describe('approver sign-in is rate-limited per remote address', () => {
  it('locks an address after 5 failures, with a growing delay; other addresses and a later try get through', async () => {
    const clock = { now: Date.UTC(2026, 11, 1) };
    const inbox = await startInbox({ now: () => clock.now });
    const { token } = await enrolApprover(inbox.db, '王审批');

    // One answer for every failure: nothing tells a well-formed guess from garbage.
    const failures = [await signIn(inbox, guess()), await signIn(inbox, 'x')];
    for (let i = 0; i < 3; i++) failures.push(await signIn(inbox, guess()));
    for (const failure of failures) {
      expect(failure.status).toBe(401);
      expect(failure.body).toBe(failures[0]!.body);
      expect(failure.setCookie).toBeUndefined();
    }

    // Locked: even the right token is not looked at.
    const locked = await signIn(inbox, token);
    expect(locked.status).toBe(429);
    expect(locked.retryAfter).toBe('30');
    expect(locked.body).toContain('登录失败次数过多，请 1 分钟后再试');
    expect(locked.setCookie).toBeUndefined();

    // Another address is not locked by this one's guesses.
    expect((await signIn(inbox, token, '127.0.0.2')).status).toBe(303);

    // After the lock, one more failure locks again, for twice as long.
    clock.now += 31_000;
    expect((await signIn(inbox, guess())).status).toBe(401);
    expect((await signIn(inbox, token)).retryAfter).toBe('60');
    clock.now += 45_000;
    expect((await signIn(inbox, token)).status).toBe(429);
    clock.now += 16_000;
    const through = await signIn(inbox, token);
    expect(through.status).toBe(303);

    // A success clears the count: five more failures before the next lock.
    for (let i = 0; i < 5; i++) expect((await signIn(inbox, guess())).status).toBe(401);
    expect((await signIn(inbox, token)).status).toBe(429);
  });
});

describe('approver sessions', () => {
  it('are dropped once expired: at the next sign-in and when their cookie comes back', async () => {
    const clock = { now: Date.UTC(2026, 11, 1) };
    const inbox = await startInbox({ now: () => clock.now });
    const { token } = await enrolApprover(inbox.db, '王审批');
    const cookies: string[] = [];
    for (let i = 0; i < 3; i++) cookies.push((await signIn(inbox, token)).setCookie!.split(';')[0]!);
    expect(inbox.approverSessions.size).toBe(3);

    clock.now += 8 * 3600_000 + 1;
    const stale = await fetch(`${inbox.url}/approver/`, { headers: { cookie: cookies[0]! } });
    expect(await stale.text()).toContain('登录已失效');
    expect(inbox.approverSessions.size).toBe(2);

    await signIn(inbox, token);
    expect(inbox.approverSessions.size).toBe(1);
  });
});

describe('approver cookies', () => {
  it('are Secure when the public URL is https', async () => {
    const inbox = await startInbox({ publicUrl: 'https://inbox.example.gov.cn' });
    const { token } = await enrolApprover(inbox.db, '王审批');
    const login = await signIn(inbox, token);
    expect(login.setCookie).toMatch(/^tb_approver=[^;]+; Path=\/approver; HttpOnly; SameSite=Strict; Secure;/);
    const cookie = login.setCookie!.split(';')[0]!;
    const page = await (await fetch(`${inbox.url}/approver/`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const logout = await post(inbox, '/approver/logout', { csrf }, { cookie });
    expect(logout.setCookie).toContain('Max-Age=0');
    expect(logout.setCookie).toContain('; Secure');
  });

  it('are not Secure on plain http (loopback, the demo)', async () => {
    const inbox = await startInbox();
    const { token } = await enrolApprover(inbox.db, '王审批');
    expect((await signIn(inbox, token)).setCookie).not.toContain('Secure');
  });
});

describe('what the timer sweeps', () => {
  it('drops expired sessions and forgotten failures, and remembers at most maxKeys addresses', () => {
    const clock = { now: 0 };
    const sessions = new ApproverSessions(() => clock.now, 1000);
    sessions.create('a');
    clock.now = 500;
    sessions.create('b');
    clock.now = 1000;
    expect(sessions.prune()).toBe(1);
    expect(sessions.size).toBe(1);

    const throttle = new LoginThrottle(() => clock.now, { ...DEFAULT_THROTTLE, forgetAfterMs: 10_000, maxKeys: 3 });
    for (const key of ['a', 'b', 'c', 'd']) throttle.failed(key);
    expect(throttle.size).toBe(3); // 'a', the oldest, went first
    for (let i = 0; i < 5; i++) throttle.failed('d');
    clock.now += 10_000;
    // 'b' and 'c' are forgotten; 'd' is still locked (6 failures: 60 s), so it stays.
    expect(throttle.prune()).toBe(2);
    expect(throttle.lockedFor('d')).toBeGreaterThan(0);
    clock.now += 60_000;
    expect(throttle.prune()).toBe(1);
    expect(throttle.size).toBe(0);
  });
});
