// The approver's call console (/approver/calls/): one page and its script (call-page.ts,
// bundled with esbuild on first request), and the JSON API the script speaks. Signed in
// with the approver page's session cookie; every POST carries the session's CSRF token in
// `x-csrf-token` (the page hands it to the script in a meta tag).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CallParty } from '../../../src-main/common/call-protocol.ts';
import type { ApproverPage } from '../approver-page.ts';
import { esc } from '../approver-page.ts';
import { longPoll, type CallActor, type CallService } from '../calls.ts';
import type { InboxDb } from '../db.ts';
import { InboxError } from '../errors.ts';
import { zh } from '../i18n.ts';

export const CONSOLE_PATH = '/approver/calls/';
const API = '/approver/calls/api';

/** The console's headers: its own script and media only, nothing framed, nothing cached. */
function consoleHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; connect-src 'self'; media-src 'self' blob: mediastream:; " +
        "img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

export function registerCallConsole(
  app: FastifyInstance,
  options: { db: InboxDb; calls: CallService; approverPage: ApproverPage },
): void {
  const { db, calls, approverPage } = options;

  const approverOf = async (request: FastifyRequest): Promise<{ party: CallParty; csrf: string }> => {
    const session = approverPage.sessionOf(request);
    const row = session ? await db.approverByName(session.approver) : undefined;
    if (!session || !row) throw new InboxError('approver.unauthorized', zh.errors.signInFirst);
    return { party: { id: String(row.approver_id), name: row.name }, csrf: session.csrf };
  };
  /** A POST's approver, its CSRF header checked. */
  const poster = async (request: FastifyRequest): Promise<CallActor> => {
    const { party, csrf } = await approverOf(request);
    const sent = Buffer.from(String(request.headers['x-csrf-token'] ?? ''));
    const expected = Buffer.from(csrf);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
      throw new InboxError('approver.badCsrf', zh.errors.formExpired);
    }
    return { side: 'approver', approver: party };
  };
  const reader = async (request: FastifyRequest): Promise<CallActor> => ({
    side: 'approver',
    approver: (await approverOf(request)).party,
  });
  const id = (request: FastifyRequest) => (request.params as { callId: string }).callId;

  app.get('/approver/calls', async (_request, reply) => reply.redirect(CONSOLE_PATH, 303));
  app.get(CONSOLE_PATH, async (request, reply) => {
    const session = approverPage.sessionOf(request);
    if (!session) return reply.redirect('/approver/', 303);
    return consoleHeaders(reply)
      .header('content-type', 'text/html; charset=utf-8')
      .send(consolePage(session.csrf, session.approver));
  });

  let bundle: Promise<string> | undefined;
  app.get('/approver/calls/app.js', async (_request, reply) => {
    bundle ??= bundleScript().catch((error: unknown) => {
      bundle = undefined; // the next request tries again
      throw error;
    });
    return consoleHeaders(reply)
      .header('content-type', 'text/javascript; charset=utf-8')
      .send(await bundle);
  });

  app.get(`${API}/waiting`, async (request, reply) => {
    const { party } = await approverOf(request);
    return longPoll(reply, (gone) => calls.waiting(party, request.query, gone));
  });
  app.post(`${API}/place`, async (request, reply) => {
    const actor = await poster(request);
    if (actor.side !== 'approver') throw new InboxError('call.forbidden', 'approvers only');
    return reply.status(201).send(await calls.placeByApprover(actor.approver, request.body));
  });
  app.get(`${API}/:callId`, async (request) => calls.view(await reader(request), id(request)));
  app.post(`${API}/:callId/answer`, async (request) => calls.answer(await poster(request), id(request)));
  app.get(`${API}/:callId/signals`, async (request, reply) => {
    const actor = await reader(request);
    return longPoll(reply, (gone) => calls.poll(actor, id(request), request.query, gone));
  });
  app.post(`${API}/:callId/signals`, async (request, reply) => {
    await calls.send(await poster(request), id(request), request.body);
    return reply.status(204).send();
  });
  app.post(`${API}/:callId/end`, async (request) => calls.end(await poster(request), id(request), request.body));
  app.post(`${API}/:callId/record`, async (request, reply) => {
    await calls.record(await poster(request), id(request), request.body);
    return reply.status(204).send();
  });
}

function consolePage(csrf: string, approver: string): string {
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="csrf-token" content="${esc(csrf)}">` +
    `<title>${zh.calls.title} · ${zh.page.suffix}</title><style>${STYLE}</style>` +
    `<script type="module" src="/approver/calls/app.js"></script></head><body>` +
    `<header><h1>${zh.calls.title}</h1><span>${esc(approver)}</span> <a href="/approver/">${zh.calls.back}</a></header>` +
    `<main id="app" aria-live="polite"></main></body></html>`
  );
}

const STYLE = `
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; color: #1f2328; }
  header { display: flex; gap: 1rem; align-items: baseline; padding: .4rem 1rem; border-bottom: 1px solid #d0d7de; }
  header h1 { font-size: 1.2rem; margin: 0; } main { padding: .6rem 1rem; }
  ul.waiting { list-style: none; padding: 0; } ul.waiting li { border: 1px solid #d0d7de; padding: .5rem .8rem; margin: .4rem 0; }
  .videos { display: grid; grid-template-columns: 2fr 1fr; gap: .5rem; max-height: 70vh; }
  .videos figure { margin: 0; position: relative; } .videos figcaption { font-size: .85rem; color: #57606a; }
  video { width: 100%; background: #000; max-height: 60vh; } video[data-call="local"] { max-height: 20vh; }
  .bar { display: flex; flex-wrap: wrap; gap: .6rem; align-items: center; margin: .5rem 0; }
  .notice { color: #9a6700; } .error { color: #b42318; } button { font-size: 1rem; padding: .3rem .9rem; }
  [hidden] { display: none !important; }`;

/**
 * The console's script: call-page.ts bundled now (running from source), or the call-page.js
 * that `npm run build:main` bundles beside the compiled module (running from dist/, where
 * no esbuild binary need run).
 */
async function bundleScript(): Promise<string> {
  const ts = fileURLToPath(new URL('./call-page.ts', import.meta.url));
  if (!existsSync(ts)) return readFile(fileURLToPath(new URL('./call-page.js', import.meta.url)), 'utf8');
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [ts],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}
