// The call-peer test page (call-peer.spec.ts, bench/call.ts): one end of a call, the
// renderer's own CallPeer with this browser's fake camera and microphone, driven from
// Playwright through `window.callPage`. Signals leave by `window.callSignalOut` (a binding
// the test exposes, call-harness.ts `relaySignals`) and come in by `callPage.receive`.
import type { CallSignal } from '../../../src-main/common/call-protocol.ts';
import { CallPeer } from '../../../src-renderer/calls/call-peer.ts';
import type { CallPageApi, CallPageEvent, CallPageStart, MediaFigures, SelectedPair } from '../call-harness.ts';

type Out = Window & { callSignalOut?: (signal: CallSignal) => Promise<void> };

const events: CallPageEvent[] = [];
/** Signals that came before start(): the other side may offer first. */
const early: CallSignal[] = [];
let peer: CallPeer | undefined;
let local: MediaStream | undefined;
let remote: readonly MediaStreamTrack[] = [];
let startedAt: number | null = null;
let firstRemoteFrameAt: number | null = null;

/** Wall-clock milliseconds, comparable between the two browsers on one machine. */
const wall = () => performance.timeOrigin + performance.now();
const log = (event: CallPageEvent) => events.push(event);
const video = (which: 'local' | 'remote') => document.querySelector<HTMLVideoElement>(`video[data-call="${which}"]`)!;

function showRemote(tracks: readonly MediaStreamTrack[]): void {
  remote = tracks;
  log({ kind: 'tracks', at: Date.now(), tracks: tracks.map((track) => track.kind) });
  const track = tracks.find((candidate) => candidate.kind === 'video');
  const element = video('remote');
  if (!track || (element.srcObject as MediaStream | null)?.getVideoTracks()[0] === track) return;
  element.srcObject = new MediaStream([track]);
  void element.play().catch(() => undefined);
  if (firstRemoteFrameAt === null) {
    element.requestVideoFrameCallback(() => {
      firstRemoteFrameAt ??= wall();
    });
  }
}

async function start(options: CallPageStart): Promise<void> {
  startedAt = wall();
  local = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video('local').srcObject = local;
  peer = new CallPeer({
    polite: options.polite,
    iceServers: options.iceServers,
    iceTransportPolicy: options.iceTransportPolicy,
    send: (signal) => void (window as Out).callSignalOut?.(signal),
    onRemoteTracks: showRemote,
    onState: (state) => log({ kind: 'state', at: Date.now(), state }),
    onQuality: (quality, budget, sample) => log({ kind: 'quality', at: Date.now(), quality, budget, sample }),
    onInterrupted: (at) => log({ kind: 'interrupted', at }),
    onRestored: (from, to) => log({ kind: 'restored', at: Date.now(), from, to }),
    onIceServerError: (url, code, text) => log({ kind: 'iceServerError', at: Date.now(), url, code, text }),
    ...(options.timing ? { timing: options.timing } : {}),
  });
  for (const track of local.getTracks()) await peer.setTrack(track.kind === 'audio' ? 'audio' : 'video', track);
  for (const signal of early.splice(0)) await peer.receive(signal);
}

async function receive(signal: CallSignal): Promise<void> {
  if (!peer) {
    early.push(signal);
    return;
  }
  await peer.receive(signal);
}

/** The candidate pair the transport uses now (the one getStats marks selected), or null. */
async function selectedPair(): Promise<SelectedPair | null> {
  if (!peer) return null;
  const stats = await peer.pc.getStats();
  let pairId: string | undefined;
  stats.forEach((stat: Record<string, unknown>) => {
    if (stat['type'] === 'transport' && typeof stat['selectedCandidatePairId'] === 'string')
      pairId = stat['selectedCandidatePairId'];
  });
  const pair = pairId ? (stats.get(pairId) as Record<string, unknown> | undefined) : undefined;
  if (!pair) return null;
  const side = (id: unknown) => {
    const candidate = stats.get(String(id)) as Record<string, unknown> | undefined;
    return {
      type: String(candidate?.['candidateType'] ?? ''),
      address: String(candidate?.['address'] ?? ''),
      port: Number(candidate?.['port'] ?? 0),
      protocol: String(candidate?.['protocol'] ?? ''),
    };
  };
  return {
    state: String(pair['state']),
    local: side(pair['localCandidateId']),
    remote: side(pair['remoteCandidateId']),
  };
}

/** This side's ICE candidates as getStats lists them (all generations so far). */
async function localCandidates(): Promise<Array<{ address: string; port: number; protocol: string }>> {
  const found: Array<{ address: string; port: number; protocol: string }> = [];
  (await peer?.pc.getStats())?.forEach((stat: Record<string, unknown>) => {
    if (stat['type'] === 'local-candidate')
      found.push({ address: String(stat['address']), port: Number(stat['port']), protocol: String(stat['protocol']) });
  });
  return found;
}

/** Cumulative counters of the video and audio RTP streams, as getStats gives them now. */
async function media(): Promise<MediaFigures> {
  const figures: MediaFigures = {
    at: performance.now(),
    videoSent: { bytes: 0, frames: 0, width: 0, height: 0 },
    videoReceived: { bytes: 0, frames: 0, width: 0, height: 0 },
    audioSentBytes: 0,
    audioReceivedBytes: 0,
  };
  if (!peer) return figures;
  (await peer.pc.getStats()).forEach((stat: Record<string, unknown>) => {
    const bytes = Number(stat['bytesSent'] ?? stat['bytesReceived'] ?? 0);
    if (stat['type'] === 'outbound-rtp' && stat['kind'] === 'video') {
      figures.videoSent.bytes += bytes;
      figures.videoSent.frames += Number(stat['framesEncoded'] ?? 0);
      figures.videoSent.width = Math.max(figures.videoSent.width, Number(stat['frameWidth'] ?? 0));
      figures.videoSent.height = Math.max(figures.videoSent.height, Number(stat['frameHeight'] ?? 0));
    }
    if (stat['type'] === 'inbound-rtp' && stat['kind'] === 'video') {
      figures.videoReceived.bytes += bytes;
      figures.videoReceived.frames += Number(stat['framesDecoded'] ?? 0);
      figures.videoReceived.width = Math.max(figures.videoReceived.width, Number(stat['frameWidth'] ?? 0));
      figures.videoReceived.height = Math.max(figures.videoReceived.height, Number(stat['frameHeight'] ?? 0));
    }
    if (stat['type'] === 'outbound-rtp' && stat['kind'] === 'audio') figures.audioSentBytes += bytes;
    if (stat['type'] === 'inbound-rtp' && stat['kind'] === 'audio') figures.audioReceivedBytes += bytes;
  });
  return figures;
}

const api: CallPageApi = {
  start,
  receive,
  events: () => events,
  remoteTracks: () => remote.map((track) => ({ kind: track.kind, readyState: track.readyState })),
  state: () => peer?.state ?? null,
  connection: () =>
    peer
      ? {
          signaling: peer.pc.signalingState,
          iceConnection: peer.pc.iceConnectionState,
          iceGathering: peer.pc.iceGatheringState,
          connection: peer.pc.connectionState,
        }
      : null,
  selectedPair,
  localCandidates,
  media,
  timings: () => ({ startedAt, firstRemoteFrameAt }),
  close: () => {
    peer?.close();
    for (const track of local?.getTracks() ?? []) track.stop();
  },
};
Object.assign(window, { callPage: api });
