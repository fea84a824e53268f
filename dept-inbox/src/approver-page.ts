// 审批人页面: a small server-rendered page at /approver/ where an approver signs in
// with the token the CLI printed (`enroll-approver`), sees the packets with their
// state, opens one (manifest, files, history) and decides. No script: plain forms,
// a SameSite=Strict session cookie (Secure when the page is served over TLS), a
// per-session CSRF field and a strict CSP. Sign-in is rate-limited per remote address.
import { timingSafeEqual } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { INBOX_STATES, INBOX_TRANSITIONS, type InboxState } from '../../src-main/common/sync-protocol.ts';
import { decide, hashToken, type Decision } from './admin.ts';
import {
  ApproverSessions,
  LoginThrottle,
  type ApproverSession as Session,
  type ThrottlePolicy,
} from './approver-sessions.ts';
import type { CallRecordEntry, CallSubject } from '../../src-main/common/call-protocol.ts';
import type { RatingReport } from '../../src-main/common/rating-report.ts';
import type { InboxDb, PacketRow, RatingRow } from './db.ts';
import { InboxError } from './errors.ts';
import { zh } from './i18n.ts';
import type { InboxStorage } from './storage.ts';

const COOKIE = 'tb_approver';
const SESSION_MS = 8 * 3600_000;
/** How often expired sessions and forgotten sign-in failures are swept (they also go when met). */
const PRUNE_MS = 10 * 60_000;

export interface ApproverPageOptions {
  db: InboxDb;
  storage: InboxStorage;
  now: () => number;
  /** Mark the cookie Secure: the page is reached over https (the public URL says so). */
  secureCookies: boolean;
  /** Sign-in throttling; the default locks an address after 5 failures. */
  throttle?: ThrottlePolicy | undefined;
}

export interface ApproverPage {
  readonly sessions: ApproverSessions;
  /** The signed-in approver behind a request's cookie (the call console's API uses it). */
  sessionOf(request: FastifyRequest): Session | undefined;
}

export async function registerApproverPage(app: FastifyInstance, options: ApproverPageOptions): Promise<ApproverPage> {
  const { db, storage, now } = options;
  const sessions = new ApproverSessions(now, SESSION_MS);
  const throttle = new LoginThrottle(now, options.throttle);
  const attributes = `Path=/approver; HttpOnly; SameSite=Strict${options.secureCookies ? '; Secure' : ''}`;
  const clearCookie = `${COOKIE}=; ${attributes}; Max-Age=0`;
  const pruner = setInterval(() => {
    sessions.prune();
    throttle.prune();
  }, PRUNE_MS);
  pruner.unref();
  app.addHook('onClose', async () => clearInterval(pruner));

  const session = (request: FastifyRequest): Session | undefined => {
    const id = readCookie(request.headers.cookie, COOKIE);
    return id ? sessions.get(id) : undefined;
  };
  /**
   * A cookie the inbox no longer knows: sessions live in memory, so a restart of the
   * inbox (in the demo profile: of the app) or the 8 hours ending signs the approver
   * out. The page then says so, instead of a bare login form.
   */
  const staleCookie = (request: FastifyRequest): boolean =>
    readCookie(request.headers.cookie, COOKIE) !== undefined && session(request) === undefined;
  const requireSession = (request: FastifyRequest): Session => {
    const found = session(request);
    if (!found) throw new InboxError('approver.unauthorized', zh.errors.signInFirst);
    return found;
  };
  const checkCsrf = (request: FastifyRequest, found: Session) => {
    const sent = String((request.body as Record<string, unknown> | undefined)?.csrf ?? '');
    const a = Buffer.from(sent);
    const b = Buffer.from(found.csrf);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      throw new InboxError('approver.badCsrf', zh.errors.formExpired);
  };

  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 64 * 1024 });
    scope.addHook('onSend', async (_request, reply) => pageHeaders(reply));
    scope.setErrorHandler((error, request, reply) => {
      const known = error instanceof InboxError;
      if (!known) scope.log.error({ err: error }, 'approver page failed');
      const status = known ? error.status : 500;
      const message = known ? error.message : zh.errors.internal;
      if (known && error.code === 'approver.unauthorized') {
        const stale = readCookie(request.headers.cookie, COOKIE) !== undefined;
        if (stale) reply.header('set-cookie', clearCookie);
        html(
          reply.status(401),
          loginPage(undefined, {
            notice: stale
              ? request.method === 'POST'
                ? `${zh.login.staleNotice}${zh.login.notDoneNotice}`
                : zh.login.staleNotice
              : undefined,
            next: returnPath(request.url),
          }),
        );
        return;
      }
      html(
        reply.status(status),
        page(
          zh.page.errorTitle,
          `<p class="error">${esc(message)}</p><p><a href="/approver/">${zh.page.backToList}</a></p>`,
        ),
      );
    });

    scope.get('/approver', async (_request, reply) => reply.redirect('/approver/', 303));

    scope.get('/approver/', async (request, reply) => {
      const found = session(request);
      if (!found) {
        if (!staleCookie(request)) return html(reply, loginPage());
        return html(reply.header('set-cookie', clearCookie), loginPage(undefined, { notice: zh.login.staleNotice }));
      }
      const stateParam = (request.query as Record<string, unknown>).state;
      const state = INBOX_STATES.includes(stateParam as InboxState) ? (stateParam as InboxState) : undefined;
      return html(reply, listPage(await db.listPackets({ state, limit: 500 }), state, found));
    });

    scope.get('/approver/ratings', async (request, reply) => {
      const found = requireSession(request);
      const badOnly = (request.query as Record<string, unknown>).bad === '1';
      return html(reply, ratingsPage(await db.listRatings({ badOnly, limit: 500 }), badOnly, found));
    });

    scope.post('/approver/login', async (request, reply) => {
      const form = (request.body ?? {}) as Record<string, unknown>;
      const token = String(form.token ?? '').trim();
      const next = returnPath(String(form.next ?? ''));
      // Per remote address (the socket's: no forwarded header is believed). There is no
      // user name to count by: the token is the whole credential, and a wrong one and an
      // unknown one are the same thing, answered the same way.
      const from = `addr:${request.ip}`;
      const lockedMs = throttle.lockedFor(from);
      if (lockedMs > 0) {
        const minutes = Math.ceil(lockedMs / 60_000);
        return html(
          reply.status(429).header('retry-after', String(Math.ceil(lockedMs / 1000))),
          loginPage(zh.login.tooManyAttempts(minutes), { next }),
        );
      }
      const approver = token ? await db.approverByTokenHash(hashToken(token)) : undefined;
      if (!approver) {
        throttle.failed(from);
        return html(reply.status(401), loginPage(zh.login.invalidToken, { next }));
      }
      throttle.succeeded(from);
      const { id } = sessions.create(approver.name);
      reply.header('set-cookie', `${COOKIE}=${id}; ${attributes}; Max-Age=${SESSION_MS / 1000}`);
      // Back where the approver was when the session ran out (the packet page), or the list.
      return reply.redirect(next ?? '/approver/', 303);
    });

    scope.post('/approver/logout', async (request, reply) => {
      const found = requireSession(request);
      checkCsrf(request, found);
      const id = readCookie(request.headers.cookie, COOKIE);
      if (id) sessions.delete(id);
      reply.header('set-cookie', clearCookie);
      return reply.redirect('/approver/', 303);
    });

    scope.get('/approver/packets/:packetId/:version', async (request, reply) => {
      const found = requireSession(request);
      const packet = await packetFrom(db, request.params);
      return html(reply, await detailPage(db, packet, found));
    });

    scope.post('/approver/packets/:packetId/:version/decide', async (request, reply) => {
      const found = requireSession(request);
      checkCsrf(request, found);
      const packet = await packetFrom(db, request.params);
      const form = (request.body ?? {}) as Record<string, unknown>;
      await decide(
        db,
        {
          packetId: packet.packet_id,
          version: packet.version,
          decision: decisionFrom(form),
          decidedBy: found.approver,
        },
        now(),
      );
      return reply.redirect(`/approver/packets/${packet.packet_id}/${packet.version}`, 303);
    });

    scope.get('/approver/packets/:packetId/:version/files/:position', async (request, reply) => {
      requireSession(request);
      const packet = await packetFrom(db, request.params);
      const position = Number((request.params as Record<string, string>).position);
      const entry = (await db.packetFiles(packet.packet_id, packet.version)).find((f) => f.position === position);
      const file = entry ? await db.file(entry.sha256) : undefined;
      if (!entry || !file) throw new InboxError('upload.notFound', zh.errors.fileNotReceived);
      // Sent chunked: a stream with a fixed Content-Length kept its socket out of the idle set and held close() up.
      return reply
        .header('content-type', entry.media_type)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(entry.name)}`)
        .send(await storage.open(file.path));
    });
  });
  return { sessions, sessionOf: session };
}

async function packetFrom(db: InboxDb, params: unknown): Promise<PacketRow> {
  const { packetId, version } = params as Record<string, string>;
  const packet = /^[1-9][0-9]{0,5}$/.test(version ?? '') ? await db.packet(packetId ?? '', Number(version)) : undefined;
  if (!packet) throw new InboxError('packet.notFound', zh.errors.noSuchPacket);
  return packet;
}

function decisionFrom(form: Record<string, unknown>): Decision {
  const text = (key: string) => {
    const value = form[key];
    const s = (Array.isArray(value) ? value.join('\n') : String(value ?? '')).trim();
    return s === '' ? undefined : s;
  };
  switch (form.kind) {
    case 'accept':
      return { kind: 'accept' };
    case 'correction':
      return {
        kind: 'correction',
        items: (text('items') ?? '')
          .split(/\r?\n/)
          .map((line) => line.trim())
          .filter(Boolean),
        ...(text('reason') ? { reason: text('reason') } : {}),
        ...(text('supplyBy') ? { supplyBy: text('supplyBy') } : {}),
      };
    case 'refuse':
      return { kind: 'refuse', reason: text('reason') ?? '' };
    case 'approve':
      return text('waybill') ? { kind: 'approve', waybill: text('waybill') } : { kind: 'approve' };
    case 'close':
      return text('reason') ? { kind: 'close', reason: text('reason') } : { kind: 'close' };
    default:
      throw new InboxError('decision.invalid', zh.errors.unknownDecision);
  }
}

// ── pages ────────────────────────────────────────────────────────────────────

/** Every page's headers: no script, no framing, nothing cached, no referrer. */
export function pageHeaders(reply: FastifyReply): void {
  reply.header(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cache-control', 'no-store');
}

export function html(reply: FastifyReply, body: string): FastifyReply {
  return reply.header('content-type', 'text/html; charset=utf-8').send(body);
}

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** China Standard Time (UTC+8, no daylight saving), minutes. */
export function cst(ms: number | null): string {
  if (ms === null) return '—';
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const STYLE = `
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2rem; color: #1f2328; }
  table { border-collapse: collapse; width: 100%; } th, td { border-bottom: 1px solid #d0d7de; padding: .4rem .6rem; text-align: left; }
  .state { padding: .1rem .5rem; border-radius: .8rem; background: #eaeef2; white-space: nowrap; }
  .error { color: #b42318; } form.decide { border: 1px solid #d0d7de; padding: .8rem; margin: .6rem 0; }
  pre { background: #f6f8fa; padding: 1rem; overflow: auto; max-height: 30rem; } nav a { margin-right: .8rem; }
  textarea, input[type=text], input[type=password] { width: 28rem; max-width: 100%; }`;

export function page(title: string, body: string, found?: Session): string {
  const logout = found
    ? `<form method="post" action="/approver/logout" style="float:right"><input type="hidden" name="csrf" value="${esc(found.csrf)}">` +
      `${esc(found.approver)} <button>${zh.page.logout}</button></form>`
    : '';
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)} · ${zh.page.suffix}</title>` +
    `<style>${STYLE}</style></head><body>${logout}<h1>${esc(title)}</h1>${body}</body></html>`
  );
}

/** A packet page to return to after signing in again; anything else is not followed. */
function returnPath(url: string): string | undefined {
  const match = /^(\/approver\/packets\/[A-Za-z0-9-]{1,64}\/[1-9][0-9]{0,5})(?:\/decide)?$/.exec(url);
  return match?.[1];
}

function loginPage(error?: string, options: { notice?: string | undefined; next?: string | undefined } = {}): string {
  const next = options.next ? `<input type="hidden" name="next" value="${esc(options.next)}">` : '';
  return page(
    zh.login.title,
    `${options.notice ? `<p class="error" role="alert">${esc(options.notice)}</p>` : ''}` +
      `${error ? `<p class="error">${esc(error)}</p>` : ''}<form method="post" action="/approver/login">${next}` +
      `<label>${zh.login.tokenLabel} <input type="password" name="token" autocomplete="off" required></label> ` +
      `<button>${zh.login.submit}</button></form><p>${zh.login.hint('<code>enroll-approver</code>')}</p>`,
  );
}

function listPage(rows: PacketRow[], state: InboxState | undefined, found: Session): string {
  const filters = [
    `<a href="/approver/">${zh.list.all}</a>`,
    ...INBOX_STATES.map((s) => `<a href="/approver/?state=${s}">${zh.states[s]}</a>`),
    `<a href="/approver/ratings">${zh.ratings.link}</a>`,
    `<a href="/approver/calls/">${zh.calls.link}</a>`,
  ];
  const body = rows
    .map(
      (p) =>
        `<tr><td>${esc(p.department_reference ?? '—')}</td><td><code>${esc(p.packet_id)}</code></td><td>${p.version}</td>` +
        `<td>${esc(p.window_id)}</td><td>${esc(p.item_code)}</td><td><span class="state">${zh.states[p.state]}</span></td>` +
        `<td>${cst(p.registered_at)}</td><td>${cst(p.received_at)}</td>` +
        `<td><a href="/approver/packets/${esc(p.packet_id)}/${p.version}">${zh.list.open}</a></td></tr>`,
    )
    .join('');
  return page(
    `${zh.list.title}${state ? ` · ${zh.states[state]}` : ''}`,
    `<nav>${filters.join('')}</nav><table><thead><tr>${zh.list.columns.map((c) => `<th>${c}</th>`).join('')}</tr></thead>` +
      `<tbody>${body || `<tr><td colspan="${zh.list.columns.length}">${zh.list.empty}</td></tr>`}</tbody></table>`,
    found,
  );
}

/** 好差评 as the windows sent them (ratings.ts keeps one per visit), newest first. */
function ratingsPage(rows: RatingRow[], badOnly: boolean, found: Session): string {
  const filters = [
    `<a href="/approver/">${zh.page.backToList}</a>`,
    `<a href="/approver/ratings">${zh.ratings.all}</a>`,
    `<a href="/approver/ratings?bad=1">${zh.ratings.badOnly}</a>`,
  ];
  const body = rows
    .map((row) => {
      const r = JSON.parse(row.report) as RatingReport;
      const levels = [r.overall, r.efficiency, r.skill, r.attitude]
        .map((level) => zh.ratings.levels[level])
        .join(' / ');
      return (
        `<tr><td>${cst(Date.parse(r.givenAt))}</td><td>${esc(row.window_id)}</td><td><code>${esc(r.trackingCode ?? r.packetId)}</code></td>` +
        `<td>${esc(r.itemName)}</td><td>${esc(r.clerk.displayName)}</td><td>${row.bad ? `<span class="error">${zh.ratings.bad}</span> ` : ''}${esc(levels)}</td>` +
        `<td>${esc(r.category ? zh.ratings.categories[r.category] : '')}</td><td>${esc(r.text ?? '')}</td></tr>`
      );
    })
    .join('');
  return page(
    `${zh.ratings.title}${badOnly ? ` · ${zh.ratings.badOnly}` : ''}`,
    `<nav>${filters.join('')}</nav><table><thead><tr>${zh.ratings.columns.map((c) => `<th>${c}</th>`).join('')}</tr></thead>` +
      `<tbody>${body || `<tr><td colspan="${zh.ratings.columns.length}">${zh.ratings.empty}</td></tr>`}</tbody></table>`,
    found,
  );
}

async function detailPage(db: InboxDb, packet: PacketRow, found: Session): Promise<string> {
  const listed = await db.packetFiles(packet.packet_id, packet.version);
  const held = new Set<string>();
  for (const f of listed) if ((await db.file(f.sha256)) !== undefined) held.add(f.sha256);
  const files = listed
    .map((f) => {
      const name = held.has(f.sha256)
        ? `<a href="/approver/packets/${esc(packet.packet_id)}/${packet.version}/files/${f.position}">${esc(f.name)}</a>`
        : `${esc(f.name)}${zh.detail.notReceived}`;
      return `<tr><td>${name}</td><td>${esc(f.media_type)}</td><td>${zh.detail.bytes(f.size)}</td><td><code>${esc(f.sha256.slice(0, 16))}…</code></td></tr>`;
    })
    .join('');
  const history = (await db.changesOfPacket(packet.packet_id))
    .filter((c) => c.version === packet.version)
    .map((c) => {
      const items = c.correction_items
        ? (JSON.parse(c.correction_items) as string[]).map((i) => `<li>${esc(i)}</li>`).join('')
        : '';
      return (
        `<li>${cst(c.at)} <span class="state">${zh.states[c.state]}</span> ${esc(c.decided_by ?? '')} ${esc(c.reason ?? '')}` +
        `${c.waybill ? ` ${zh.detail.waybill} ${esc(c.waybill)}` : ''}` +
        `${c.supply_by ? ` ${zh.detail.supplyBy} ${esc(c.supply_by)}` : ''}${items ? `<ul>${items}</ul>` : ''}</li>`
      );
    })
    .join('');
  const csrf = `<input type="hidden" name="csrf" value="${esc(found.csrf)}">`;
  const action = `/approver/packets/${esc(packet.packet_id)}/${packet.version}/decide`;
  const form = (kind: string, fields: string, button: string) =>
    `<form class="decide" method="post" action="${action}">${csrf}<input type="hidden" name="kind" value="${kind}">${fields}<button>${button}</button></form>`;
  const forms = INBOX_TRANSITIONS[packet.state]
    .map((to) => {
      switch (to) {
        case 'accepted':
          return form('accept', '', zh.decide.accept);
        case 'correction_required':
          return form(
            'correction',
            `<p><label>${zh.decide.correctionItems}<br><textarea name="items" rows="4" required></textarea></label></p>` +
              `<p><label>${zh.decide.correctionReason}<br><input type="text" name="reason"></label></p>` +
              `<p><label>${zh.decide.supplyBy}<br><input type="date" name="supplyBy"></label></p>`,
            zh.decide.correction,
          );
        case 'refused':
          return form(
            'refuse',
            `<p><label>${zh.decide.refuseReason}<br><input type="text" name="reason" required></label></p>`,
            packet.state === 'accepted' ? zh.decide.deny : zh.decide.refuse,
          );
        case 'approved':
          return form(
            'approve',
            `<p><label>${zh.decide.waybill}<br><input type="text" name="waybill"></label></p>`,
            zh.decide.approve,
          );
        case 'closed':
          return form(
            'close',
            `<p><label>${zh.decide.closeReason}<br><input type="text" name="reason"></label></p>`,
            zh.decide.close,
          );
        default:
          return '';
      }
    })
    .join('');
  const parsed = JSON.parse(packet.manifest) as Record<string, unknown>;
  const manifest = JSON.stringify(parsed, null, 2);
  const delivery = deliveryLine(parsed.delivery);
  return page(
    zh.detail.title(packet.department_reference ?? packet.packet_id, packet.version),
    `<p><a href="/approver/">${zh.detail.back}</a></p>` +
      `<p>${zh.detail.state} <span class="state">${zh.states[packet.state]}</span> · ${zh.detail.window} ${esc(packet.window_id)}` +
      ` · ${zh.detail.itemCode} ${esc(packet.item_code)}` +
      `${packet.previous_version ? ` · ${zh.detail.corrects(packet.previous_version)}` : ''}</p>` +
      (delivery ? `<p>${zh.detail.delivery} ${delivery}</p>` : '') +
      `<form method="get" action="/approver/calls/"><input type="hidden" name="windowId" value="${esc(packet.window_id)}">` +
      `<input type="hidden" name="packetId" value="${esc(packet.packet_id)}"><button>${zh.calls.placeButton}</button></form>` +
      `<h2>${zh.detail.decideHeading}</h2>${forms || `<p>${zh.detail.noActions}</p>`}` +
      `<h2>${zh.detail.filesHeading}</h2><table><thead><tr>${zh.detail.fileColumns.map((c) => `<th>${c}</th>`).join('')}</tr></thead>` +
      `<tbody>${files || `<tr><td colspan="${zh.detail.fileColumns.length}">${zh.detail.noFiles}</td></tr>`}</tbody></table>` +
      `<h2>${zh.detail.historyHeading}</h2><ul>${history || `<li>${zh.detail.noHistory}</li>`}</ul>` +
      (await callsSection(db, packet.packet_id)) +
      `<h2>${zh.detail.manifestHeading}</h2><pre>${esc(manifest)}</pre>`,
    found,
  );
}

/** 视频会商记录: the packet's calls and what either side recorded of them. */
async function callsSection(db: InboxDb, packetId: string): Promise<string> {
  const calls = await db.callsOfPacket(packetId);
  const records = await Promise.all(calls.map((call) => db.callRecords(call.call_id)));
  const rows = calls.map((call, index) => {
    const subject = JSON.parse(call.subject) as CallSubject;
    const materialName = (code: string) => subject.materials?.find((m) => m.code === code)?.name ?? code;
    const entries = (records[index] ?? []).map((r) => JSON.parse(r.entry) as CallRecordEntry);
    // Both ends log a cut they both saw: overlapping gaps are one cut.
    const gaps = entries
      .filter((e): e is Extract<CallRecordEntry, { kind: 'restored' }> => e.kind === 'restored')
      .sort((a, b) => a.fromMs - b.fromMs);
    const cuts: string[] = [];
    let lastEnd = -Infinity;
    for (const gap of gaps) {
      if (gap.fromMs <= lastEnd) continue;
      cuts.push(zh.calls.cut(Math.round((gap.toMs - gap.fromMs) / 1000)));
      lastEnd = gap.toMs;
    }
    // Both sides may report the same still; it is one still.
    const stills = new Map<string, string>();
    for (const e of entries) {
      if (e.kind === 'still' && !stills.has(e.sha256)) {
        stills.set(e.sha256, zh.calls.still(materialName(e.materialCode), e.sha256.slice(0, 12), e.width, e.height));
      }
    }
    const list = (items: string[]) =>
      items.length > 0 ? `<ul>${items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>` : zh.calls.none;
    const start = call.answered_at ?? call.placed_at;
    const duration =
      call.answered_at !== null && call.ended_at !== null
        ? zh.calls.duration(Math.round((call.ended_at - call.answered_at) / 1000))
        : '—';
    return (
      `<tr data-call-id="${esc(call.call_id)}"><td>${zh.calls.placedBy[call.placed_by]}</td><td>${esc(call.approver_name ?? '—')}</td>` +
      `<td>${cst(start)}</td><td>${cst(call.ended_at)}</td><td>${esc(duration)}</td>` +
      `<td>${esc(call.end_reason ? (zh.calls.endReasons[call.end_reason] ?? call.end_reason) : '—')}</td>` +
      `<td>${list(cuts)}</td><td>${list([...stills.values()])}</td></tr>`
    );
  });
  return (
    `<h2>${zh.calls.recordsHeading}</h2><table><thead><tr>${zh.calls.recordColumns.map((c) => `<th>${c}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('') || `<tr><td colspan="${zh.calls.recordColumns.length}">${zh.calls.noRecords}</td></tr>`}</tbody></table>`
  );
}

/**
 * How the applicant chose to receive the result (a manifest's `delivery`, from windows
 * that ask): the full postal address, which the department posts to. Anything else a
 * window of another make sends is left to the manifest below.
 */
function deliveryLine(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { method, post } = value as { method?: unknown; post?: Record<string, unknown> };
  if (method === 'window' || method === 'electronic') return zh.detail.deliveryMethods[method];
  if (method !== 'post' || typeof post !== 'object' || post === null) return undefined;
  const text = (key: string) => (typeof post[key] === 'string' ? esc(post[key]) : '');
  return zh.detail.postedTo(text('recipient'), text('phone'), text('address'));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
