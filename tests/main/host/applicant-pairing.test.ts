// The applicant's page pairs with the browser host on a real loopback port: it POSTs the
// six-digit code the clerk's screen shows to /api/session, gets the token and a ticket,
// opens the WebSocket and attaches as the applicant screen. Wrong, expired, reused and
// voided codes are refused with a reason the page can say; the Origin check holds as for
// the one-time code.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeMessage, encodeMessage, type ResultMessage } from '../../../src-main/api/wire.ts';
import { PAIRING_CODE_TTL_MS } from '../../../src-main/common/applicant.ts';
import { startBrowserHost } from '../../../src-main/host/server.ts';
import { clerkOn } from '../intake/fixtures.ts';
import { bootTestCore, tempDir } from '../helpers.ts';

async function setUp() {
  const booted = await bootTestCore();
  const rendererDir = join(tempDir(), 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>通办</title>');
  const host = await startBrowserHost({ core: booted.core, rendererDir });
  const clerk = await clerkOn(booted.core);
  const newCode = async () => (await clerk.call<{ code: string }>('applicant.pairingCode')).code;
  return { ...booted, host, clerk, newCode };
}

/** As the applicant's page does: a same-origin JSON POST of `{ pairing }`. */
function postPairing(
  origin: string,
  body: unknown,
  headers: Record<string, string> = { origin },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/session', origin),
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function call(ws: WebSocket, id: number, method: string, input: unknown): Promise<ResultMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = decodeMessage(data) as ResultMessage | { type: 'event' };
      if (message.type === 'result' && message.id === id) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
    ws.send(encodeMessage({ type: 'call', id, method, input }));
  });
}

const other = (code: string) => (code === '000000' ? '000001' : '000000');

describe('pairing the applicant page through the browser host', () => {
  it('trades a right code for the token and a ticket that makes its WebSocket the applicant screen', async () => {
    const { host, newCode } = await setUp();
    const code = await newCode();
    const paired = await postPairing(host.origin, { pairing: code });
    expect(paired.status).toBe(200);
    const { token, ticket } = paired.body as { token: string; ticket: string };
    expect(token).toBeTruthy();
    const ws = new WebSocket(`${host.origin.replace('http', 'ws')}/api?token=${token}`, { origin: host.origin });
    await new Promise((resolve) => ws.once('open', resolve));
    const attached = await call(ws, 1, 'applicant.attach', { ticket });
    expect(attached).toMatchObject({ ok: true, value: { screen: { stage: 'idle' } } });
    // Its socket is the applicant's now: no sign-in from there.
    expect(await call(ws, 2, 'auth.login', { username: 'clerk01', password: 'whatever-1' })).toMatchObject({
      ok: false,
      error: { code: 'applicant.notApplicant' },
    });
    ws.close();
    await host.close();
  });

  it('refuses a wrong code, a used one, an expired one, and all after five wrong tries', async () => {
    const { host, newCode, clock } = await setUp();
    const code = await newCode();
    expect(await postPairing(host.origin, { pairing: other(code) })).toEqual({
      status: 410,
      body: { refused: 'wrong' },
    });
    expect((await postPairing(host.origin, { pairing: code })).status).toBe(200);
    expect(await postPairing(host.origin, { pairing: code })).toEqual({ status: 410, body: { refused: 'used' } });

    const late = await newCode();
    clock.advance(PAIRING_CODE_TTL_MS);
    expect(await postPairing(host.origin, { pairing: late })).toEqual({ status: 410, body: { refused: 'expired' } });

    const guessed = await newCode();
    for (let i = 0; i < 4; i++) {
      expect((await postPairing(host.origin, { pairing: other(guessed) })).body).toEqual({ refused: 'wrong' });
    }
    expect((await postPairing(host.origin, { pairing: other(guessed) })).body).toEqual({ refused: 'voided' });
    expect(await postPairing(host.origin, { pairing: guessed })).toEqual({ status: 410, body: { refused: 'voided' } });
    await host.close();
  });

  it('takes codes only from its own pages, only as six digits, and only as JSON', async () => {
    const { host, newCode } = await setUp();
    const code = await newCode();
    expect((await postPairing(host.origin, { pairing: code }, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await postPairing(host.origin, { pairing: code }, {})).status).toBe(403);
    expect((await postPairing(host.origin, { pairing: '12345' })).status).toBe(400);
    expect((await postPairing(host.origin, { pairing: 123456 })).status).toBe(400);
    expect((await postPairing(host.origin, { pairing: code, pad: 'x'.repeat(4000) })).status).toBe(413);
    // None of these counted as a try: the code still pairs.
    expect((await postPairing(host.origin, { pairing: code })).status).toBe(200);
    await host.close();
  });
});
