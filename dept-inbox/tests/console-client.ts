// The approver's call console as its script speaks to the inbox: signed in with a token
// (session cookie), every POST with the page's CSRF token in `x-csrf-token`. Used by the
// inbox's own call tests and by the window core's (tests/main/calls), which play the approver.
import { expect } from 'vitest';
import type { CallSignal } from '../../src-main/common/call-protocol.ts';
import { enrolApprover } from '../src/admin.ts';
import type { Inbox } from '../src/server.ts';

export interface Approver {
  name: string;
  cookie: string;
  csrf: string;
}

/** Enrols an approver and signs them in; the CSRF token is read from the console page. */
export async function signInApprover(inbox: Inbox, name: string): Promise<Approver> {
  const { token } = await enrolApprover(inbox.db, name);
  const login = await fetch(`${inbox.url}/approver/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const page = await fetch(`${inbox.url}/approver/calls/`, { headers: { cookie } });
  expect(page.status).toBe(200);
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(await page.text())![1]!;
  return { name, cookie, csrf };
}

/** The console's JSON API under /approver/calls/api/; `csrf: null` sends a POST without it. */
export async function consoleApi<T = Record<string, unknown>>(
  inbox: Inbox,
  who: Approver,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: { csrf?: string | null } = {},
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { cookie: who.cookie };
  const csrf = options.csrf === undefined ? who.csrf : options.csrf;
  if (method === 'POST' && csrf !== null) headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${inbox.url}/approver/calls/api/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A host candidate as a peer would trickle it (its number in the foundation and port). */
export const candidate = (n: number): CallSignal => ({
  type: 'candidate',
  candidate: {
    candidate: `candidate:${n} 1 udp 1 127.0.0.1 ${5000 + n} typ host`,
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: null,
  },
});
