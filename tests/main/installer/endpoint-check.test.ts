// The live check of a department endpoint against a real reference inbox on 127.0.0.1,
// and against plain servers that answer what a wrong address, an old inbox, a skewed
// clock, a refused token or an untrusted certificate answer.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enrolWindow } from '../../../dept-inbox/src/admin.ts';
import { createInbox, type Inbox } from '../../../dept-inbox/src/server.ts';
import type { CheckLine } from '../../../src-main/common/doctor.ts';
import { HEALTH_PATH, PROTOCOL_VERSION, WHOAMI_PATH } from '../../../src-main/common/sync-protocol.ts';
import { checkDepartmentEndpoint, type EndpointCheckInput } from '../../../src-main/installer/endpoint-check.ts';
import { generateSigningKey } from '../../../src-main/sync/signing.ts';
import { tempDir } from '../helpers.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

async function startInbox(): Promise<Inbox> {
  const inbox = await createInbox({ dataDir: tempDir('tongban-inbox-'), logger: false });
  closers.push(() => inbox.close());
  return inbox;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  closers.push(() => new Promise<void>((done) => server.close(() => done())));
  return (server.address() as { port: number }).port;
}

/** A plain HTTP server answering with `handler`; its base URL. */
async function serve(handler: RequestListener): Promise<string> {
  return `http://127.0.0.1:${await listen(createHttpServer(handler))}`;
}

/** What a current inbox's health answers, with a Date header of our choosing (or none). */
function health(date: string | null, protocol = PROTOCOL_VERSION): RequestListener {
  return (request, response) => {
    if (date === null) response.sendDate = false;
    else response.setHeader('date', date);
    if (request.url === HEALTH_PATH) {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, protocol }));
    } else response.writeHead(401).end();
  };
}

const window = generateSigningKey('ed25519');
const expected = { windowId: 'W01', scheme: 'ed25519' as const, keyId: window.keyId };

function check(endpoint: string, token?: string, extra: Partial<EndpointCheckInput> = {}): Promise<CheckLine[]> {
  return checkDepartmentEndpoint({
    departmentId: 'dept',
    name: '成都市人社局',
    endpoint,
    token,
    expected,
    timeoutMs: 3000,
    ...extra,
  });
}

const states = (lines: CheckLine[]) => Object.fromEntries(lines.map((l) => [l.id.split('.').at(-1), l.state]));
const line = (lines: CheckLine[], aspect: string) => lines.find((l) => l.id === `department.dept.${aspect}`)!;

describe('checkDepartmentEndpoint', () => {
  it('passes a reference inbox where this window and key are enrolled', async () => {
    const inbox = await startInbox();
    const { token } = await enrolWindow(inbox.db, { windowId: 'W01', scheme: 'ed25519', publicKey: window.publicKey });
    const lines = await check(inbox.url, token);
    expect(states(lines)).toEqual({ reach: 'ok', protocol: 'ok', clock: 'ok', token: 'ok' });
    expect(line(lines, 'reach')).toMatchObject({ label: '审批部门「成都市人社局」连接与证书' });
    expect(line(lines, 'token').message).toBe('令牌有效，审批部门已登记本窗口（W01）及其公钥。');
    // The token is never part of what the check says.
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('fails a token the inbox refuses, and one it has not got', async () => {
    const inbox = await startInbox();
    await enrolWindow(inbox.db, { windowId: 'W01', scheme: 'ed25519', publicKey: window.publicKey });
    const refused = await check(inbox.url, 'not-a-token-of-this-inbox');
    expect(line(refused, 'token')).toMatchObject({ state: 'fail', detail: `GET ${WHOAMI_PATH}: 401` });
    expect(line(refused, 'token').message).toMatch(/拒绝了此接入令牌/);
    const none = await check(inbox.url, undefined);
    expect(line(none, 'token')).toMatchObject({ state: 'fail', message: expect.stringMatching(/尚未填写/) });
  });

  it("fails another window's token, and a token for another key of this window", async () => {
    const inbox = await startInbox();
    const other = await enrolWindow(inbox.db, {
      windowId: 'W07',
      scheme: 'ed25519',
      publicKey: generateSigningKey('ed25519').publicKey,
    });
    const lines = await check(inbox.url, other.token);
    expect(line(lines, 'token')).toMatchObject({ state: 'fail' });
    expect(line(lines, 'token').message).toMatch(/^此令牌属于窗口 W07/);
    const oldKey = await enrolWindow(inbox.db, {
      windowId: 'W01',
      scheme: 'ed25519',
      publicKey: generateSigningKey('ed25519').publicKey,
    });
    expect(line(await check(inbox.url, oldKey.token), 'token').state).toBe('fail');
  });

  it('fails an address nobody listens on', async () => {
    const server = createTcpServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    await new Promise<void>((done) => server.close(() => done()));
    const lines = await check(`http://127.0.0.1:${port}`, 'token');
    expect(lines).toHaveLength(1);
    expect(line(lines, 'reach')).toMatchObject({ state: 'fail', detail: expect.stringMatching(/ECONNREFUSED/) });
    expect(line(lines, 'reach').message).toMatch(/^无法连接/);
  });

  it('fails an address that takes the connection and never answers, within its time box', async () => {
    const silent = createTcpServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    closers.push(() => new Promise<void>((done) => silent.close(() => done())));
    const sockets: Array<{ destroy(): void }> = [];
    silent.on('connection', (socket) => sockets.push(socket));
    closers.push(async () => sockets.forEach((socket) => socket.destroy()));
    const lines = await check(`http://127.0.0.1:${(silent.address() as { port: number }).port}`, 'token', {
      timeoutMs: 500,
    });
    expect(line(lines, 'reach')).toMatchObject({
      state: 'fail',
      detail: expect.stringMatching(/ECONNABORTED|timeout/),
    });
    expect(line(lines, 'reach').message).toMatch(/^无法连接/);
  });

  it('fails a server that is no inbox (garbage, a web page, a 404)', async () => {
    for (const answer of [
      (_: unknown, res: Parameters<RequestListener>[1]) => res.end('\u0000\u00ffgarbage'),
      (_: unknown, res: Parameters<RequestListener>[1]) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>政务服务网</html>'),
      (_: unknown, res: Parameters<RequestListener>[1]) => res.writeHead(404).end('{"ok":true,"protocol":1}'),
    ]) {
      const lines = await check(await serve(answer), 'token');
      expect(states(lines)).toEqual({ reach: 'ok', protocol: 'fail' });
      expect(line(lines, 'protocol').message).toMatch(/不是审批部门收件服务/);
    }
  });

  it('fails an inbox of another protocol version, naming both', async () => {
    const lines = await check(await serve(health(new Date().toUTCString(), PROTOCOL_VERSION + 1)), 'token');
    expect(line(lines, 'protocol')).toMatchObject({
      state: 'fail',
      message: `协议版本不一致：对方为第 ${PROTOCOL_VERSION + 1} 版，本机为第 ${PROTOCOL_VERSION} 版。请升级本机程序或联系审批部门。`,
    });
  });

  it('warns at a clock a minute off, fails at ten minutes, and warns when there is no Date', async () => {
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toUTCString();
    const minute = line(await check(await serve(health(at(60_000))), 'token'), 'clock');
    expect(minute.state).toBe('warn');
    expect(minute.message).toMatch(/相差约 (59|60|61) 秒/);
    const tenMinutes = line(await check(await serve(health(at(-600_000))), 'token'), 'clock');
    expect(tenMinutes.state).toBe('fail');
    expect(tenMinutes.detail).toMatch(/department clock -(599|600|601) s/);
    const none = line(await check(await serve(health(null)), 'token'), 'clock');
    expect(none).toMatchObject({ state: 'warn', message: '审批部门未提供时间，无法比对时钟。' });
  });

  it('fails a certificate this PC does not trust, with the TLS message', async () => {
    const dir = tempDir();
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      health(new Date().toUTCString()),
    );
    const lines = await check(`https://127.0.0.1:${await listen(server)}`, 'token');
    expect(lines).toHaveLength(1);
    expect(line(lines, 'reach')).toMatchObject({
      state: 'fail',
      detail: expect.stringMatching(/SELF_SIGNED|self-signed/i),
    });
    expect(line(lines, 'reach').message).toMatch(/^连接被拒绝：对方证书不受本机信任/);
  });

  it('says the embedded demo inbox needs no network check', async () => {
    expect(await check('embedded')).toEqual([
      {
        id: 'department.dept.reach',
        state: 'ok',
        label: '审批部门「成都市人社局」连接与证书',
        message: '演示用内置审批部门，运行在本机，无需检查网络。',
      },
    ]);
  });
});
