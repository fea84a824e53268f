// The approver's call console in the browser (served bundled at /approver/calls/app.js).
// It lists the windows' waiting requests (long poll), answers one — or places a call a
// packet page asked for (?windowId=…&packetId=…) — and runs the same CallPeer the window
// runs (the approver is the impolite side), relaying signals through the inbox. `?relay=1`
// forces TURN (iceTransportPolicy relay), for checking a hall's relay.
import type {
  CallEndReason,
  CallSignal,
  CallSource,
  CallTicket,
  CallView,
  SignalPoll,
} from '../../../src-main/common/call-protocol.ts';
import { CallPeer } from '../../../src-renderer/calls/call-peer.ts';
import { zh } from '../i18n.ts';

const t = zh.calls;
const API = '/approver/calls/api';
const WAIT_SECONDS = 25;
const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
const app = document.getElementById('app') as HTMLElement;

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method === 'POST') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${API}/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string } } | undefined;
  if (!response.ok) {
    const code = json?.error?.code ?? 'internal';
    throw new ApiError(code, t.errorCodes[code] ?? json?.error?.message ?? String(response.status));
  }
  return json as T;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A v4 UUID; crypto.randomUUID is missing on plain-http pages other than localhost. */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function reasonText(reason: CallEndReason | null): string {
  return reason ? (t.endReasons[reason] ?? reason) : '';
}

// ── the waiting list ─────────────────────────────────────────────────────────

async function listMode(): Promise<void> {
  const message = el('p', { class: 'error', role: 'alert' });
  const list = el('ul', { class: 'waiting', 'aria-label': t.waitingHeading });
  app.replaceChildren(el('h2', {}, t.waitingHeading), message, list);
  let calls: CallView[] = [];
  let since = 0;
  let active = true;
  const render = () => {
    if (calls.length === 0) return list.replaceChildren(el('li', {}, t.noWaiting));
    list.replaceChildren(
      ...calls.map((call) => {
        const answer = el('button', { type: 'button' }, t.answer);
        answer.addEventListener('click', async () => {
          answer.disabled = true;
          try {
            const ticket = await api<CallTicket>('POST', `${call.callId}/answer`);
            active = false;
            await callMode(ticket);
          } catch (error) {
            message.textContent = (error as Error).message;
            answer.disabled = false;
          }
        });
        const waited = Math.max(0, Math.round((Date.now() - call.placedAt) / 1000));
        const s = call.subject;
        return el(
          'li',
          {},
          el('strong', {}, `${t.window} ${call.windowLabel}`),
          ` · ${t.item} ${s.itemName} · ${t.applicant} ${s.applicant}`,
          s.note ? ` · ${t.note} ${s.note}` : '',
          ` · ${t.waitedFor(waited)} `,
          answer,
        );
      }),
    );
  };
  const ticker = setInterval(() => active && list.querySelector('button:focus') === null && render(), 5000);
  while (active) {
    try {
      const answer = await api<{ calls: CallView[]; version: number }>(
        'GET',
        `waiting?wait=${since === 0 ? 0 : WAIT_SECONDS}&since=${since}`,
      );
      if (!active) break;
      since = answer.version;
      calls = answer.calls;
      message.textContent = '';
      render();
    } catch (error) {
      message.textContent = (error as Error).message;
      if (error instanceof ApiError && error.code.startsWith('approver.')) break;
      await sleep(3000);
    }
  }
  clearInterval(ticker);
}

// ── a call ───────────────────────────────────────────────────────────────────

async function openMedia(notice: HTMLElement): Promise<MediaStream | null> {
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
  } catch {
    try {
      const audio = await navigator.mediaDevices.getUserMedia({ audio: true });
      notice.textContent = t.audioOnly;
      return audio;
    } catch {
      notice.textContent = t.receiveOnly;
      return null;
    }
  }
}

function play(video: HTMLVideoElement): void {
  // Sound needs a gesture; without one the picture at least plays (muted).
  video.play().catch(() => {
    video.muted = true;
    void video.play().catch(() => undefined);
  });
}

async function callMode(ticket: CallTicket): Promise<void> {
  const call = ticket.call;
  const id = call.callId;
  const relay = new URLSearchParams(location.search).get('relay') === '1';

  const status = el('p', { role: 'status', 'aria-label': t.connecting }, t.connecting);
  const quality = el('span', { role: 'status' });
  const notice = el('p', { class: 'notice', 'aria-live': 'polite' });
  const remoteMain = el('video', { 'data-call': 'remote-main', autoplay: '', playsinline: '' });
  const remoteSecond = el('video', { 'data-call': 'remote-second', autoplay: '', playsinline: '' });
  const local = el('video', { 'data-call': 'local', autoplay: '', playsinline: '' });
  local.muted = true;
  const mainCaption = el('figcaption', {}, t.counterCamera);
  const secondFigure = el('figure', { hidden: '' }, remoteSecond, el('figcaption', {}, t.documentCamera));
  const materials = call.subject.materials ?? [];
  const select = el('select', {}, ...materials.map((m) => el('option', { value: m.code }, m.name)));
  const stillButton = el('button', { type: 'button' }, t.requestStill);
  const stillLine = el('p', { 'aria-live': 'polite' }, materials.length === 0 ? t.noMaterials : '');
  const hangup = el('button', { type: 'button' }, t.hangup);
  if (materials.length === 0) select.disabled = stillButton.disabled = true;
  const s = call.subject;
  app.replaceChildren(
    el('p', {}, `${t.window} ${call.windowLabel} · ${t.item} ${s.itemName} · ${t.applicant} ${s.applicant}`),
    s.note ? el('p', {}, `${t.note} ${s.note}`) : '',
    status,
    notice,
    el(
      'div',
      { class: 'videos' },
      el('figure', {}, remoteMain, mainCaption),
      el('div', {}, secondFigure, el('figure', {}, local, el('figcaption', {}, t.localPreview))),
    ),
    el('div', { class: 'bar' }, quality, el('label', {}, `${t.material} `, select), stillButton, hangup),
    stillLine,
  );
  hangup.focus();

  const say = (element: HTMLElement, text: string) => {
    element.textContent = text;
    if (element.getAttribute('role') === 'status') element.setAttribute('aria-label', text);
  };
  let ended = false;
  let peer: CallPeer | undefined;
  let media: MediaStream | null = null;
  let pendingStill: { requestId: string; code: string; name: string } | undefined;
  const queue: CallSignal[] = [];
  let sending = false;

  const record = (entry: unknown) => void api('POST', `${id}/record`, { entry }).catch(() => undefined);
  const finish = (reason: CallEndReason | null) => {
    if (ended) return;
    ended = true;
    peer?.close();
    for (const track of media?.getTracks() ?? []) track.stop();
    say(status, t.ended(reasonText(reason)));
    hangup.disabled = stillButton.disabled = select.disabled = true;
    app.append(el('p', {}, el('a', { href: '/approver/calls/' }, t.waitingHeading)));
  };
  const flush = async () => {
    if (sending) return;
    sending = true;
    try {
      while (queue.length > 0 && !ended) {
        try {
          await api('POST', `${id}/signals`, { signal: queue[0] });
          queue.shift();
        } catch (error) {
          if (error instanceof ApiError && error.code !== 'internal' && error.code !== 'unavailable') {
            queue.shift(); // refused for good: retrying would not help
            if (error.code === 'call.ended') break;
          } else await sleep(1000);
        }
      }
    } finally {
      sending = false;
    }
  };
  const send = (signal: CallSignal) => {
    queue.push(signal);
    void flush();
  };

  let source: CallSource = 'counter';
  let remoteTracks: readonly MediaStreamTrack[] = [];
  const showRemote = () => {
    const videos = remoteTracks.filter((track) => track.kind === 'video');
    const audio = remoteTracks.filter((track) => track.kind === 'audio');
    const main = [...(videos[0] ? [videos[0]] : []), ...audio];
    const current = (remoteMain.srcObject as MediaStream | null)?.getTracks() ?? [];
    if (main.length !== current.length || main.some((track, i) => track !== current[i])) {
      remoteMain.srcObject = new MediaStream(main);
      play(remoteMain);
    }
    const second = videos[1];
    // The second picture is the document camera beside the counter's; it stays (frozen) when the window stops sending it.
    secondFigure.hidden = !second || source !== 'both';
    if (second && (remoteSecond.srcObject as MediaStream | null)?.getTracks()[0] !== second) {
      remoteSecond.srcObject = new MediaStream([second]);
      play(remoteSecond);
    }
    mainCaption.textContent = source === 'document' ? t.documentCamera : t.counterCamera;
  };

  const startPeer = async () => {
    media = await openMedia(notice);
    if (ended) return;
    if (media) {
      local.srcObject = media;
      play(local);
    }
    let warnedTurn = false;
    peer = new CallPeer({
      polite: false,
      iceServers: ticket.iceServers,
      iceTransportPolicy: relay ? 'relay' : 'all',
      send,
      onRemoteTracks: (tracks) => {
        remoteTracks = tracks;
        showRemote();
      },
      onState: (state) => {
        if (state === 'connected') say(status, `${t.window} ${call.windowLabel}`);
        if (state === 'failed') {
          void api<CallView>('POST', `${id}/end`, { reason: 'lost' })
            .then((view) => finish(view.endReason))
            .catch(() => finish('lost'));
        }
      },
      onQuality: (q) => say(quality, t.qualityLine(t.quality[q] ?? q)),
      onInterrupted: (atMs) => {
        notice.textContent = t.interrupted;
        record({ kind: 'interrupted', atMs });
      },
      onRestored: (fromMs, toMs) => {
        notice.textContent = t.restored(Math.round((toMs - fromMs) / 1000));
        record({ kind: 'restored', fromMs, toMs });
      },
      onIceServerError: (url) => {
        if (!warnedTurn && /^turns?:/.test(url)) {
          warnedTurn = true;
          notice.textContent = t.turnUnreachable;
        }
      },
    });
    for (const track of media?.getTracks() ?? [])
      await peer.setTrack(track.kind === 'audio' ? 'audio' : 'video', track);
  };

  const handle = async (signal: CallSignal) => {
    switch (signal.type) {
      case 'description':
      case 'candidate':
        await peer?.receive(signal).catch((error: unknown) => console.warn('signal failed', error));
        return;
      case 'source':
        source = signal.source;
        showRemote();
        return;
      case 'stillResult':
        if (!pendingStill || signal.requestId !== pendingStill.requestId) return;
        if (signal.filed && signal.sha256) {
          stillLine.textContent = t.stillFiled(pendingStill.name, signal.width ?? 0, signal.height ?? 0);
          record({
            kind: 'still',
            materialCode: pendingStill.code,
            sha256: signal.sha256,
            width: signal.width ?? 0,
            height: signal.height ?? 0,
          });
        } else stillLine.textContent = t.stillFailed(signal.reason ?? '');
        pendingStill = undefined;
        stillButton.disabled = false;
        return;
      default:
        return;
    }
  };

  stillButton.addEventListener('click', () => {
    const material = materials.find((m) => m.code === select.value);
    if (!material || !peer) return;
    pendingStill = { requestId: uuid(), code: material.code, name: material.name };
    stillButton.disabled = true;
    stillLine.textContent = t.stillWaiting;
    send({ type: 'stillRequest', requestId: pendingStill.requestId, materialCode: material.code });
  });
  hangup.addEventListener('click', async () => {
    hangup.disabled = true;
    try {
      const view = await api<CallView>('POST', `${id}/end`, { reason: 'hangup' });
      finish(view.endReason);
    } catch (error) {
      notice.textContent = t.failed((error as Error).message);
      hangup.disabled = false;
    }
  });

  if (call.state === 'waiting') say(status, t.calling);
  if (call.state === 'active') await startPeer();
  let after = 0;
  while (!ended) {
    let poll: SignalPoll;
    try {
      poll = await api<SignalPoll>('GET', `${id}/signals?after=${after}&wait=${WAIT_SECONDS}`);
    } catch (error) {
      notice.textContent = t.failed((error as Error).message);
      if (error instanceof ApiError && error.code.startsWith('approver.')) return finish(null);
      await sleep(2000);
      continue;
    }
    for (const envelope of poll.signals) {
      after = Math.max(after, envelope.seq);
      await handle(envelope.signal);
    }
    if (poll.call.state === 'active' && !peer) {
      say(status, t.connecting);
      await startPeer();
    }
    if (poll.call.state === 'ended') finish(poll.call.endReason);
  }
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const windowId = params.get('windowId');
  const packetId = params.get('packetId');
  if (!windowId || !packetId) return listMode();
  // Placed once: a reload must not call the window again.
  history.replaceState(null, '', `${location.pathname}${params.get('relay') === '1' ? '?relay=1' : ''}`);
  try {
    await callMode(await api<CallTicket>('POST', 'place', { windowId, packetId }));
  } catch (error) {
    app.replaceChildren(el('p', { class: 'error', role: 'alert' }, t.failed((error as Error).message)));
  }
}

void main();
