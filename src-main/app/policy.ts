// The Electron shell's security decisions as plain functions: which origin is ours,
// which permissions it gets, who may call the core over IPC, which file a request
// for `app://renderer/...` maps to. No `electron` import, so plain-Node tests cover
// every decision; main.ts only wires them to Electron's hooks.
import path from 'node:path';
import { AppError } from '../common/errors.ts';
import { MAX_MESSAGE_BYTES, type ResultMessage } from '../api/wire.ts';

/** The renderer is served from this privileged standard scheme, never from file://. */
export const APP_SCHEME = 'app';
export const RENDERER_HOST = 'renderer';
export const RENDERER_ORIGIN = `${APP_SCHEME}://${RENDERER_HOST}`;
export const RENDERER_ENTRY_URL = `${RENDERER_ORIGIN}/index.html`;
/** The applicant screen's page: the same bundle at the route its entry point picks (src-renderer/main.tsx). */
export const APPLICANT_ENTRY_URL = `${RENDERER_ORIGIN}/applicant`;

/**
 * Sent with every response of the app scheme. The renderer needs no network
 * (the core does all networking), no eval and no foreign content; inline styles
 * stay allowed for React's `style` props.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "object-src 'none'",
  "frame-src 'self' blob:", // the PDF preview of a notice or a scanned page
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** True for `app://renderer` and any URL inside it; false for anything else or junk. */
export function isRendererUrl(value: string | null | undefined): boolean {
  if (!value) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname === RENDERER_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

export interface NavigationQuery {
  url: string;
  /** The window's own frame; Electron sets it on every navigation event. */
  isMainFrame: boolean;
}

/**
 * Navigation stays inside our origin; everything else is cancelled. One exception:
 * a subframe may show a `blob:` URL our own pages minted (the PDF preview's iframe,
 * FileView.tsx). Only our origin's scripts can mint such a URL, and it holds bytes
 * the core already handed us; the window itself never becomes a blob: document,
 * and data:/javascript: or another origin's blob: stay refused in every frame.
 */
export function isAllowedNavigation(query: NavigationQuery): boolean {
  if (isRendererUrl(query.url)) return true;
  return !query.isMainFrame && isRendererBlobUrl(query.url);
}

/** `blob:app://renderer/<uuid>`: a Blob URL created by a page of our origin. */
function isRendererBlobUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  // A blob: URL's path is the serialized origin that created it, then the id.
  return url.protocol === 'blob:' && isRendererUrl(url.pathname) && new URL(url.pathname).pathname.length > 1;
}

// ── permissions ──────────────────────────────────────────────────────────────

export interface PermissionQuery {
  /** Electron's permission name, e.g. `media`, `geolocation`, `notifications`. */
  permission: string;
  /**
   * Every origin or URL the query names (requesting origin, security origin,
   * embedding origin, requesting URL). Absent ones are skipped; at least one must
   * be present and all present ones must be ours.
   */
  origins: readonly (string | null | undefined)[];
  isMainFrame: boolean;
  /** `media` requests: the kinds asked for (`video` camera, `audio` microphone). */
  mediaTypes?: readonly string[] | undefined;
  /** `media` checks: the one kind checked (`video`, `audio` or `unknown`). */
  mediaType?: string | undefined;
}

const ALLOWED_MEDIA_TYPES: ReadonlySet<string> = new Set(['video', 'audio']);

/**
 * Camera and microphone for our own main frame, nothing else: no screen capture,
 * no notifications, no geolocation, no WebHID/WebSerial/WebUSB (the core drives
 * the devices), and nothing at all for any other origin.
 */
export function isPermissionAllowed(query: PermissionQuery): boolean {
  if (query.permission !== 'media') return false;
  if (!query.isMainFrame) return false;
  const named = query.origins.filter((origin): origin is string => typeof origin === 'string' && origin !== '');
  if (named.length === 0 || !named.every(isRendererUrl)) return false;
  if (query.mediaTypes !== undefined) {
    if (query.mediaTypes.length === 0) return false;
    if (!query.mediaTypes.every((type) => ALLOWED_MEDIA_TYPES.has(type))) return false;
  }
  if (query.mediaType !== undefined && !ALLOWED_MEDIA_TYPES.has(query.mediaType)) return false;
  return true;
}

// ── IPC senders ──────────────────────────────────────────────────────────────

export interface IpcSenderInfo {
  /** The sending frame, or null when it navigated away or was destroyed meanwhile. */
  frame: { url: string; origin: string; isMainFrame: boolean } | null;
  /** Whether the sending webContents belongs to one of the shell's own windows. */
  fromOurWindow: boolean;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Only our own windows' main frames, showing our origin, may call the core. */
export function checkIpcSender(sender: IpcSenderInfo): Verdict {
  if (!sender.fromOurWindow) return { ok: false, reason: 'sender is not a window of this app' };
  const { frame } = sender;
  if (frame === null) return { ok: false, reason: 'sender frame is gone' };
  if (!frame.isMainFrame) return { ok: false, reason: 'sender is a subframe' };
  if (!isRendererUrl(frame.origin) || !isRendererUrl(frame.url)) {
    return { ok: false, reason: `sender origin ${describeOrigin(frame.origin)} is not ${RENDERER_ORIGIN}` };
  }
  return { ok: true };
}

/** For log lines: the scheme and host only, never a path or query that might hold data. */
function describeOrigin(value: string): string {
  try {
    const url = new URL(value);
    return url.host ? `${url.protocol}//${url.host}` : url.protocol;
  } catch {
    return '(unparsable)';
  }
}

/**
 * Requests for app-scheme files: ones the browser starts itself (no initiator,
 * e.g. the window's first load) and ones our own pages make. A page of any other
 * origin, or an opaque one (`null`), gets nothing.
 */
export function isAllowedInitiator(initiatorOrigin: string | null | undefined): boolean {
  if (initiatorOrigin === undefined) return true;
  return isRendererUrl(initiatorOrigin);
}

// ── renderer files ───────────────────────────────────────────────────────────

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.webm': 'video/webm',
  '.mp4': 'video/mp4',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.pdf': 'application/pdf',
};

/** By extension, case-insensitive; unknown extensions are opaque bytes (with nosniff). */
export function mimeTypeFor(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type RendererFileResolution =
  { ok: true; filePath: string; mimeType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps `app://renderer/<path>` to a file under `rendererRoot`. Each path segment is
 * percent-decoded on its own and refused when it could climb out or name another
 * root (`..`, `.`, slashes or backslashes inside a segment, NUL, drive colons);
 * the joined result must still lie inside the root. `/` and extensionless paths
 * (client-side routes) get `index.html`.
 */
export function resolveRendererFile(rendererRoot: string, requestUrl: string): RendererFileResolution {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'unparsable URL' };
  }
  if (!isRendererUrl(url.href)) return { ok: false, status: 403, reason: 'not the renderer origin' };

  const segments: string[] = [];
  for (const raw of url.pathname.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding' };
    }
    if (segment === '.' || segment === '..' || /[/\\:\0]/.test(segment)) {
      return { ok: false, status: 400, reason: 'path segment not allowed' };
    }
    segments.push(segment);
  }
  const last = segments.at(-1);
  if (last === undefined || path.extname(last) === '') return inside(rendererRoot, ['index.html']);
  return inside(rendererRoot, segments);
}

function inside(rendererRoot: string, segments: string[]): RendererFileResolution {
  const root = path.resolve(rendererRoot);
  const filePath = path.resolve(root, ...segments);
  const relative = path.relative(root, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    return { ok: false, status: 403, reason: 'path outside the renderer root' };
  }
  return { ok: true, filePath, mimeType: mimeTypeFor(filePath) };
}

// ── message size ─────────────────────────────────────────────────────────────

/**
 * A cheap upper-bound estimate of a structured-clone message's size, so IPC
 * refuses what the WebSocket transport would refuse (MAX_MESSAGE_BYTES). Stops
 * counting once past `limit`; shared or cyclic objects are counted once.
 */
export function exceedsMessageLimit(message: unknown, limit: number = MAX_MESSAGE_BYTES): boolean {
  let total = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [message];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') total += Buffer.byteLength(value, 'utf8') + 5;
    else if (value === null || typeof value !== 'object') total += 9;
    else if (!seen.has(value)) {
      seen.add(value);
      if (ArrayBuffer.isView(value)) total += value.byteLength + 5;
      else if (value instanceof ArrayBuffer) total += value.byteLength + 5;
      else if (value instanceof Map) {
        total += 5;
        for (const [key, entry] of value) stack.push(key, entry);
      } else if (value instanceof Set) {
        total += 5;
        for (const entry of value) stack.push(entry);
      } else {
        total += 5;
        for (const key of Object.keys(value)) {
          total += Buffer.byteLength(key, 'utf8') + 5;
          stack.push((value as Record<string, unknown>)[key]);
        }
      }
    }
    if (total > limit) return true;
  }
  return false;
}

/** The answer to a call refused for its size, under the call's id when it has a usable one. */
export function tooLargeResult(message: unknown, limit: number = MAX_MESSAGE_BYTES): ResultMessage {
  const error = new AppError('request.tooLarge', `message exceeds ${limit} bytes`).toWire();
  return { type: 'result', id: callIdOf(message), ok: false, error };
}

function callIdOf(message: unknown): number {
  if (typeof message === 'object' && message !== null && 'id' in message) {
    const id = (message as { id: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return 0;
}

/** A display as Electron's `screen` module describes it (the fields this decision reads). */
export interface DisplayInfo {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
}

/**
 * Where the applicant screen goes: the first display that is not the clerk's (the
 * primary one). None: the window has no applicant display, and the clerk records why
 * the applicant could not confirm.
 */
export function applicantDisplay(displays: readonly DisplayInfo[], primaryId: number): DisplayInfo | null {
  return displays.find((display) => display.id !== primaryId) ?? null;
}

/**
 * The applicant page's URL with the pairing ticket the core gave the shell. In the
 * fragment, so it is in no request; the page moves it into its sessionStorage and
 * takes it out of the address at once.
 */
export function applicantUrl(ticket: string): string {
  return `${APPLICANT_ENTRY_URL}#ticket=${encodeURIComponent(ticket)}`;
}
