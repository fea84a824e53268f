// 办理进度查询: the public status page at /track/:code. An applicant reaches it from the
// QR code on the receipt (the window's tracking URL template points here) or types the
// 查询号 into the form at /track. No sign-in; it shows only what is not personal: the
// item, when the window received the application, the state as the department knows it
// and the committed deadline — never a name, an ID number, a reason or a waybill.
//
// The code's check symbol is validated before any lookup (a typo is told as a typo).
// Failed lookups (malformed or unknown codes) are throttled per remote address like the
// approver's sign-in, so the page cannot be used to sweep the code space.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseTrackingCode, TRACKING_PAGE_PATH } from '../../src-main/common/tracking-code.ts';
import { cst, esc, html, page, pageHeaders } from './approver-page.ts';
import { LoginThrottle, type ThrottlePolicy } from './approver-sessions.ts';
import type { InboxDb, PacketRow } from './db.ts';
import { zh } from './i18n.ts';

/** Generous for people (a few typos), tight for a sweep: 20 misses, then a minute, doubling to 15. */
export const TRACK_THROTTLE: ThrottlePolicy = {
  freeFailures: 20,
  baseLockMs: 60_000,
  maxLockMs: 15 * 60_000,
  forgetAfterMs: 3600_000,
  maxKeys: 10_000,
};

export interface TrackPageOptions {
  db: InboxDb;
  now: () => number;
  throttle?: ThrottlePolicy | undefined;
}

export async function registerTrackPage(app: FastifyInstance, options: TrackPageOptions): Promise<void> {
  const { db, now } = options;
  const throttle = new LoginThrottle(now, options.throttle ?? TRACK_THROTTLE);
  const pruner = setInterval(() => throttle.prune(), 10 * 60_000);
  pruner.unref();
  app.addHook('onClose', async () => clearInterval(pruner));

  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => pageHeaders(reply));

    // The form; a typed code comes back as ?code= and goes to its page.
    scope.get(TRACKING_PAGE_PATH, async (request, reply) => {
      const typed = (request.query as Record<string, unknown>).code;
      if (typeof typed === 'string' && typed.trim() !== '') {
        const parsed = parseTrackingCode(typed);
        const target = parsed.ok ? parsed.code : typed.trim().slice(0, 40);
        return reply.redirect(`${TRACKING_PAGE_PATH}/${encodeURIComponent(target)}`, 303);
      }
      return html(reply, page(zh.track.title, form()));
    });

    scope.get(`${TRACKING_PAGE_PATH}/:code`, async (request, reply) => {
      const from = `addr:${request.ip}`;
      const lockedMs = throttle.lockedFor(from);
      if (lockedMs > 0) {
        return html(
          reply.status(429).header('retry-after', String(Math.ceil(lockedMs / 1000))),
          page(
            zh.track.title,
            `<p class="error" role="alert">${esc(zh.track.tooMany(Math.ceil(lockedMs / 60_000)))}</p>`,
          ),
        );
      }
      const parsed = parseTrackingCode(String((request.params as Record<string, unknown>).code ?? ''));
      if (!parsed.ok) return notFound(request, reply, zh.track.malformed, from);
      const ids = await db.packetIdsByTrackingCode(parsed.code);
      if (ids.length === 0) return notFound(request, reply, zh.track.unknown, from, parsed.code);
      // Two windows drew the same code: show neither applicant the other's application.
      if (ids.length > 1)
        return html(reply, page(zh.track.title, `<p>${esc(zh.track.ambiguous)}</p>${form(parsed.code)}`));
      return html(reply, page(zh.track.title, status(parsed.code, await db.versionsOf(ids[0]!))));
    });
  });

  function notFound(_request: FastifyRequest, reply: FastifyReply, message: string, from: string, code?: string) {
    throttle.failed(from);
    return html(
      reply.status(404),
      page(zh.track.notFoundTitle, `<p class="error" role="alert">${esc(message)}</p>${form(code)}`),
    );
  }
}

function form(code = ''): string {
  return (
    `<form method="get" action="${TRACKING_PAGE_PATH}"><label>${zh.track.codeLabel} ` +
    `<input type="text" name="code" value="${esc(code)}" maxlength="40" autocomplete="off" required></label> ` +
    `<button>${zh.track.submit}</button></form><p>${zh.track.codeHint}</p>`
  );
}

/** What the first and the latest version say, without anything personal. */
function status(code: string, versions: PacketRow[]): string {
  const first = versions[0]!;
  const latest = versions.at(-1)!;
  const manifest = JSON.parse(latest.manifest) as Record<string, unknown>;
  const firstManifest = JSON.parse(first.manifest) as Record<string, unknown>;
  const itemName = typeof manifest.itemName === 'string' ? manifest.itemName : latest.item_code;
  const receivedAt = Date.parse(String(firstManifest.receivedAt ?? ''));
  const deadline =
    typeof manifest.deadline === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(manifest.deadline) ? manifest.deadline : null;
  const state = zh.track.states[latest.state];
  const row = (label: string, value: string) => `<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
  return (
    `<table><tbody>` +
    row(zh.track.codeLabel, `<code>${esc(code)}</code>`) +
    row(zh.track.item, esc(itemName)) +
    row(zh.track.receivedAt, cst(Number.isNaN(receivedAt) ? first.registered_at : receivedAt)) +
    row(zh.track.state, `<span class="state">${esc(state.label)}</span> ${esc(state.detail)}`) +
    row(zh.track.updatedAt, cst(latest.updated_at)) +
    (deadline && latest.state !== 'closed' ? row(zh.track.deadline, esc(deadline)) : '') +
    `</tbody></table><p>${zh.track.privacy}</p>`
  );
}
