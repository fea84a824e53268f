// One 视频会商 call at the window, from the clerk's click to its end: places or answers
// it through the core (`calls.*`), opens the cameras and the microphone, runs the one
// peer both ends share (CallPeer, polite: the window yields on a collision) with the ICE
// servers the ticket names, sends its signals in order through a small outbox, and takes
// the other side's from the `calls.signal` event (descriptions and candidates to the peer,
// a still request here). The call's state comes from `calls.changed`. While it runs, what
// the window sends and what it receives are recorded into the session (`callSent`,
// `callReceived`); a cut and its restoration, the source shown and each still are facts
// for the record (`calls.record`). A line that cannot be restored ends the call as `lost`;
// the draft and the recording are left as they are.
//
// The decisions sit in call-model.ts; WebRTC itself in CallPeer. What is injected here
// (media, peer, still) is what jsdom lacks, so tests drive the rest for real.
import type { MethodInput, MethodOutput, WindowCall } from '../../src-main/api/contract/index.ts';
import type { CallEndReason, CallSignal, CallSource } from '../../src-main/common/call-protocol.ts';
import type { CallQuality } from '../../src-main/common/call-quality.ts';
import { t } from '../../src-main/common/i18n/index.ts';
import type { ApiClient } from '../api/client.ts';
import { uploadBlob } from '../api/upload.ts';
import { describeError } from '../app/errors.ts';
import { imageThumbnail } from '../screens/intake/captured-file.ts';
import type { CameraFault } from '../devices/camera-choice.ts';
import type { CallTrackRecording } from '../recording/session-recording.ts';
import { CallPeer, type CallPeerOptions, type PeerState } from './call-peer.ts';
import { type CallMedia, grabStill as grabDocumentStill, openCallMedia, type Still } from './call-media.ts';
import {
  availableSources,
  type CallDevices,
  type CallPhase,
  connectFault,
  initialSource,
  isTurnUrl,
  phaseOf,
  slotsFor,
  stillRefusal,
} from './call-model.ts';
import { SignalOutbox } from './signal-outbox.ts';

/** What the controller needs of CallPeer (a fake stands in for it where there is no WebRTC). */
export interface PeerPort {
  setTrack(slot: 'audio' | 'video' | 'second', track: MediaStreamTrack | null): Promise<void>;
  receive(signal: CallSignal): Promise<void>;
  close(): void;
}

/** Where the call's two tracks are recorded (SessionRecording.recordCall). */
export interface CallRecorder {
  recordCall(track: 'callSent' | 'callReceived', stream: MediaStream): CallTrackRecording;
}

/** The draft open at the counter, where stills go. */
export interface CallDraft {
  draftId: string;
  /** The draft's materials, by id (a still is filed under one). */
  materials: readonly { id: string; name: string }[];
  /** The draft after a still was filed (the wizard shows the new page). */
  onFiled?: (view: MethodOutput<'drafts.addFile'>) => void;
}

export interface CallStill {
  requestId: string;
  material: string;
  state: 'taking' | 'filed' | 'failed';
  message: string;
}

export interface CallSnapshot {
  phase: CallPhase;
  call: WindowCall | null;
  /** The media opened for the call; null before. */
  devices: CallDevices | null;
  mediaFault: CameraFault | null;
  source: CallSource | null;
  sources: CallSource[];
  quality: CallQuality | null;
  /** What the main video slot sends (the local preview), and the second slot's. */
  local: MediaStream | null;
  localSecond: MediaStream | null;
  remote: MediaStream | null;
  /** Media flow again after a cut (shown for a while). */
  restoredAt: number | null;
  /** The last thing that went wrong, in Chinese (null: nothing). */
  fault: string | null;
  /** This window ended the call (hang-up, withdrawal, decline, given up). */
  endedHere: boolean;
  still: CallStill | null;
  /** Signals are held back: the core or the inbox cannot be reached just now. */
  signalStalled: boolean;
}

export interface CallControllerOptions {
  api: ApiClient;
  openMedia?: () => Promise<CallMedia>;
  createPeer?: (options: CallPeerOptions) => PeerPort;
  grabStill?: (track: MediaStreamTrack) => Promise<Still>;
  /**
   * Where a call is recorded when no draft is open at the counter (a packet's call): the
   * session the core names in the ticket (`WindowCall.draftId`). Stopped when the call ends.
   */
  sessionRecorder?: (draftId: string) => CallRecorder & { stop(): Promise<void> };
  now?: () => number;
}

const IDLE: CallSnapshot = {
  phase: 'idle',
  call: null,
  devices: null,
  mediaFault: null,
  source: null,
  sources: [],
  quality: null,
  local: null,
  localSecond: null,
  remote: null,
  restoredAt: null,
  fault: null,
  endedHere: false,
  still: null,
  signalStalled: false,
};

export class CallController {
  readonly #o: CallControllerOptions;
  readonly #api: ApiClient;
  readonly #now: () => number;
  #snapshot: CallSnapshot = IDLE;
  readonly #listeners = new Set<() => void>();
  readonly #unsubscribe: Array<() => void> = [];
  #media: CallMedia | null = null;
  #peer: PeerPort | null = null;
  #peerState: PeerState | null = null;
  #everConnected = false;
  #turnErrors = 0;
  #outbox: SignalOutbox | null = null;
  /** Signals that came before the peer ran (an offer right after answering). */
  #early: CallSignal[] = [];
  #sent: CallTrackRecording | null = null;
  #received: CallTrackRecording | null = null;
  #draft: CallDraft | null = null;
  #recorder: CallRecorder | null = null;
  /** The recording this controller started for a call without a draft at the counter. */
  #ownRecording: (CallRecorder & { stop(): Promise<void> }) | null = null;
  #ending = false;
  #disposed = false;
  /** Counts place/answer attempts: media that open for an abandoned one are closed, not used. */
  #attempt = 0;

  constructor(options: CallControllerOptions) {
    this.#o = options;
    this.#api = options.api;
    this.#now = options.now ?? Date.now;
    this.#unsubscribe.push(
      this.#api.on('calls.changed', (changed) => {
        if (changed.call.callId === this.#callId) this.#changed(changed);
      }),
      this.#api.on('calls.signal', ({ callId, signal }) => {
        if (callId === this.#callId) void this.#incoming(signal);
      }),
    );
  }

  get snapshot(): CallSnapshot {
    return this.#snapshot;
  }

  /** For useSyncExternalStore. */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The draft at the counter and the session's recorder (null: none open, e.g. a packet's call). */
  attach(draft: CallDraft | null, recorder: CallRecorder | null): void {
    this.#draft = draft;
    this.#recorder = recorder;
  }

  get #callId(): string | null {
    return this.#snapshot.call?.call.callId ?? null;
  }

  get live(): boolean {
    const phase = this.#snapshot.phase;
    return phase !== 'idle' && phase !== 'ended';
  }

  /** Places a call about the open draft or a packet; the media open meanwhile. */
  async place(subject: { draftId: string } | { packetId: string }, note = ''): Promise<void> {
    if (this.live) return;
    await this.#start(() => this.#api.call('calls.place', { callId: crypto.randomUUID(), ...subject, note }));
  }

  /** Answers an approver's call, recorded in the open draft's session when there is one. */
  async answer(incoming: WindowCall): Promise<void> {
    if (this.live) return;
    const draftId = this.#draft?.draftId;
    await this.#start(() =>
      this.#api.call('calls.answer', { callId: incoming.call.callId, ...(draftId ? { draftId } : {}) }),
    );
  }

  /** Turns down an approver's call (no media were opened for it). */
  async decline(incoming: WindowCall): Promise<void> {
    await this.#api.call('calls.end', { callId: incoming.call.callId, reason: 'declined' });
  }

  withdraw(): Promise<void> {
    return this.#end('withdrawn');
  }

  hangup(): Promise<void> {
    return this.#end('hangup');
  }

  /** Shows the counter camera, the document camera or both; the other side and the record are told. */
  async setSource(source: CallSource): Promise<void> {
    const devices = this.#snapshot.devices;
    if (!devices || !this.#snapshot.sources.includes(source) || source === this.#snapshot.source) return;
    this.#update({ source, ...this.#previews(source) });
    const callId = this.#callId;
    if (!this.#peer || !callId) return;
    try {
      await this.#applySource(source);
      this.#outbox?.push({ type: 'source', source });
      this.#record({ kind: 'source', source });
    } catch (error) {
      this.#update({ fault: t('calls.source.failed', { detail: describeError(error) }) });
      return;
    }
    // The recording of what was sent follows; the approver need not wait for its recorder.
    void this.#sent?.replace(this.#sentStream()).catch(() => undefined);
  }

  /** Back to idle after an ended call (the panel closes). */
  reset(): void {
    if (this.live) return;
    this.#update({ ...IDLE });
  }

  dispose(): void {
    this.#disposed = true;
    for (const off of this.#unsubscribe) off();
    this.#teardown();
  }

  // ── start and end ──────────────────────────────────────────────────────────

  async #start(open: () => Promise<WindowCall>): Promise<void> {
    this.#ending = false;
    this.#everConnected = false;
    this.#turnErrors = 0;
    this.#early = [];
    this.#update({ ...IDLE, phase: 'starting' });
    const attempt = ++this.#attempt;
    const media = this.#openMedia(attempt);
    let call: WindowCall;
    try {
      call = await open();
    } catch (error) {
      // Not placed: the cameras opened for it close again, whenever they finish opening.
      this.#attempt++;
      void media.then((opened) => opened.stop());
      this.#media = null;
      this.#update({ ...IDLE, phase: 'idle', fault: t('calls.faults.start', { detail: describeError(error) }) });
      return;
    }
    this.#outbox = new SignalOutbox({
      send: (signal) => this.#api.call('calls.signal', { callId: call.call.callId, signal }),
      onStalled: (stalled) => this.#update({ signalStalled: stalled }),
    });
    this.#update({ call, phase: phaseOf(call.call, null) });
    await media;
    // The call as it stands now: a `calls.changed` may have come while the cameras opened.
    this.#changed(this.#snapshot.call ?? call);
  }

  async #openMedia(attempt: number): Promise<CallMedia> {
    const media = await (this.#o.openMedia ?? openCallMedia)().catch((): CallMedia => ({
      counter: null,
      document: null,
      microphone: null,
      fault: 'failed',
      stop: () => {},
    }));
    if (this.#disposed || attempt !== this.#attempt) {
      media.stop();
      return media;
    }
    this.#media = media;
    const devices: CallDevices = {
      counter: media.counter !== null,
      document: media.document !== null,
      microphone: media.microphone !== null,
    };
    const source = initialSource(devices);
    this.#update({
      devices,
      mediaFault: media.fault,
      sources: availableSources(devices),
      source,
      ...this.#previews(source, devices),
    });
    return media;
  }

  async #end(reason: Extract<CallEndReason, 'hangup' | 'withdrawn' | 'declined' | 'lost'>): Promise<void> {
    const callId = this.#callId;
    if (!callId || !this.live || this.#ending) return;
    this.#ending = true;
    this.#update({ endedHere: true });
    try {
      const view = await this.#api.call('calls.end', { callId, reason });
      this.#changed({ ...this.#snapshot.call!, call: view });
    } catch (error) {
      // The core could not tell the inbox: the call is over here all the same (the inbox
      // ends it as lost once neither side polls); the media stop now.
      this.#teardown();
      const current = this.#snapshot.call!;
      this.#update({
        phase: 'ended',
        call: { ...current, call: { ...current.call, state: 'ended', endReason: reason, endedAt: this.#now() } },
        fault: describeError(error),
      });
    }
  }

  #changed(changed: WindowCall): void {
    const call = changed.call;
    if (call.state === 'ended') {
      this.#teardown();
      this.#update({ call: changed, phase: 'ended', quality: null });
      return;
    }
    this.#update({ call: changed, phase: phaseOf(call, this.#peerState) });
    if (call.state === 'active' && !this.#peer && this.#media) {
      void this.#startPeer(changed).catch((error: unknown) =>
        this.#update({ fault: t('calls.faults.media', { detail: messageOf(error) }) }),
      );
    }
  }

  #teardown(): void {
    this.#outbox?.close();
    this.#outbox = null;
    this.#peer?.close();
    this.#peer = null;
    this.#peerState = null;
    void this.#sent?.stop();
    void this.#received?.stop();
    this.#sent = null;
    this.#received = null;
    if (this.#ownRecording) {
      void this.#ownRecording.stop();
      if (this.#recorder === this.#ownRecording) this.#recorder = null;
      this.#ownRecording = null;
    }
    this.#media?.stop();
    this.#media = null;
    this.#early = [];
  }

  // ── the peer ───────────────────────────────────────────────────────────────

  async #startPeer(call: WindowCall): Promise<void> {
    const outbox = this.#outbox;
    if (!outbox) return;
    const createPeer = this.#o.createPeer ?? ((options: CallPeerOptions) => new CallPeer(options));
    let peer: PeerPort;
    try {
      peer = this.#peerOf(createPeer, call, outbox);
    } catch (error) {
      // No WebRTC here (an old browser, a locked-down profile): the call cannot carry media.
      this.#update({ fault: t('calls.faults.noWebRtc', { detail: messageOf(error) }) });
      void this.#end('lost');
      return;
    }
    this.#peer = peer;
    this.#peerState = 'connecting';
    const media = this.#media!;
    await peer.setTrack('audio', media.microphone);
    if (this.#snapshot.source) await this.#applySource(this.#snapshot.source);
    else {
      // No camera: an audio-only call.
      await peer.setTrack('video', null);
      await peer.setTrack('second', null);
    }
    if (!this.#recorder && this.#o.sessionRecorder) {
      this.#ownRecording = this.#o.sessionRecorder(call.draftId);
      this.#recorder = this.#ownRecording;
    }
    this.#startSentRecording();
    const early = this.#early;
    this.#early = [];
    for (const signal of early) await this.#incoming(signal);
  }

  #peerOf(createPeer: (options: CallPeerOptions) => PeerPort, call: WindowCall, outbox: SignalOutbox): PeerPort {
    return createPeer({
      polite: true,
      iceServers: call.iceServers,
      iceTransportPolicy: call.iceTransportPolicy,
      send: (signal) => outbox.push(signal),
      onRemoteTracks: (tracks) => this.#remoteChanged(tracks),
      onState: (state) => this.#peerChanged(state),
      onQuality: (quality) => this.#update({ quality }),
      onInterrupted: (atMs) => this.#record({ kind: 'interrupted', atMs: Math.round(atMs) }),
      onRestored: (fromMs, toMs) => {
        this.#record({ kind: 'restored', fromMs: Math.round(fromMs), toMs: Math.round(toMs) });
        this.#update({ restoredAt: toMs });
      },
      onIceServerError: (url) => {
        if (isTurnUrl(url)) this.#turnErrors += 1;
      },
      now: this.#now,
    });
  }

  async #applySource(source: CallSource): Promise<void> {
    const peer = this.#peer;
    const media = this.#media;
    const devices = this.#snapshot.devices;
    if (!peer || !media || !devices) return;
    const plan = slotsFor(source, devices);
    const trackOf = (camera: 'counter' | 'document' | null) => (camera ? media[camera] : null);
    await peer.setTrack('video', trackOf(plan.video));
    await peer.setTrack('second', trackOf(plan.second));
  }

  #peerChanged(state: PeerState): void {
    this.#peerState = state;
    if (state === 'connected' && !this.#everConnected) {
      this.#everConnected = true;
      const approver = this.#snapshot.call?.call.approver;
      if (approver) this.#record({ kind: 'connected', approver });
    }
    if (state === 'failed') {
      const fault = connectFault({
        everConnected: this.#everConnected,
        turnErrors: this.#turnErrors,
        relayOnly: this.#snapshot.call?.iceTransportPolicy === 'relay',
      });
      this.#update({ fault: fault === 'lost' ? null : t(`calls.faults.${fault}`) });
      void this.#end('lost');
      return;
    }
    const call = this.#snapshot.call;
    if (call && call.call.state !== 'ended') this.#update({ phase: phaseOf(call.call, state) });
  }

  async #incoming(signal: CallSignal): Promise<void> {
    if (signal.type === 'stillRequest') return this.#still(signal.requestId, signal.materialCode);
    if (signal.type !== 'description' && signal.type !== 'candidate') return;
    if (!this.#peer) {
      this.#early.push(signal);
      return;
    }
    try {
      await this.#peer.receive(signal);
    } catch {
      // A description out of turn or a stale candidate: the negotiation goes on (CallPeer restarts ICE on a cut).
    }
  }

  #remoteChanged(tracks: readonly MediaStreamTrack[]): void {
    const remote = tracks.length > 0 ? new MediaStream([...tracks]) : null;
    this.#update({ remote });
    if (!remote || !this.#recorder) return;
    if (this.#received) void this.#received.replace(remote);
    else this.#received = this.#recorder.recordCall('callReceived', remote);
  }

  // ── recording and the record ───────────────────────────────────────────────

  /** What the window sends, recorded: its microphone and the main slot's camera. */
  #sentStream(): MediaStream {
    const media = this.#media;
    const tracks: MediaStreamTrack[] = [];
    if (media?.microphone) tracks.push(media.microphone);
    const devices = this.#snapshot.devices;
    const plan = devices && this.#snapshot.source ? slotsFor(this.#snapshot.source, devices) : null;
    const video = plan?.video && media ? media[plan.video] : null;
    if (video) tracks.push(video);
    return new MediaStream(tracks);
  }

  #startSentRecording(): void {
    if (!this.#recorder || this.#sent) return;
    const stream = this.#sentStream();
    if (stream.getTracks().length === 0) return;
    this.#sent = this.#recorder.recordCall('callSent', stream);
  }

  #record(entry: MethodInput<'calls.record'>['entry']): void {
    const callId = this.#callId;
    if (!callId) return;
    // A fact lost on the way is a hole in the record, not a reason to stop the call.
    this.#api.call('calls.record', { callId, entry }).catch(() => undefined);
  }

  #previews(source: CallSource | null, devices = this.#snapshot.devices): Pick<CallSnapshot, 'local' | 'localSecond'> {
    const media = this.#media;
    if (!media || !devices || !source) return { local: null, localSecond: null };
    const plan = slotsFor(source, devices);
    const video = plan.video ? media[plan.video] : null;
    const second = plan.second ? media[plan.second] : null;
    return {
      local: video ? new MediaStream([video]) : null,
      localSecond: second ? new MediaStream([second]) : null,
    };
  }

  // ── stills ─────────────────────────────────────────────────────────────────

  async #still(requestId: string, materialCode: string): Promise<void> {
    const call = this.#snapshot.call;
    const draft = this.#draft;
    if (!call) return;
    const material =
      call.call.subject.materials.find((m) => m.code === materialCode)?.name ??
      draft?.materials.find((m) => m.id === materialCode)?.name ??
      materialCode;
    const draftOpen = draft !== null && call.call.subject.draftId === draft.draftId;
    const refusal = stillRefusal({
      draftOpen,
      documentCamera: this.#media?.document?.readyState === 'live',
      materialKnown: draft?.materials.some((m) => m.id === materialCode) ?? false,
    });
    if (refusal) return this.#stillFailed(requestId, material, t(`calls.still.refused.${refusal}`));
    this.#update({
      still: { requestId, material, state: 'taking', message: t('calls.still.requested', { material }) },
    });
    let still: Still;
    try {
      still = await (this.#o.grabStill ?? grabDocumentStill)(this.#media!.document!);
    } catch {
      return this.#stillFailed(requestId, material, t('calls.still.refused.captureFailed'));
    }
    let sha256: string;
    try {
      const bytes = new Uint8Array(await still.blob.arrayBuffer());
      sha256 = hex(await crypto.subtle.digest('SHA-256', bytes));
      const thumbnail = await imageThumbnail(still.blob);
      const uploadId = await uploadBlob(this.#api, still.blob, {
        target: { purpose: 'material', draftId: draft!.draftId },
        name: `${material.slice(0, 150)}_会商拍摄_${still.width}x${still.height}.jpg`,
      });
      const view = await this.#api.call('drafts.addFile', {
        id: draft!.draftId,
        materialId: materialCode,
        uploadId,
        capture: {
          source: 'documentCamera',
          callId: call.call.callId,
          frame: { width: still.width, height: still.height },
        },
        ...(thumbnail ? { thumbnail } : {}),
      });
      draft!.onFiled?.(view);
    } catch (error) {
      return this.#stillFailed(
        requestId,
        material,
        t('calls.still.refused.fileFailed', { detail: describeError(error) }),
      );
    }
    const { width, height } = still;
    this.#record({ kind: 'still', materialCode, sha256, width, height });
    this.#outbox?.push({ type: 'stillResult', requestId, filed: true, sha256, width, height });
    this.#update({
      still: { requestId, material, state: 'filed', message: t('calls.still.filed', { material, width, height }) },
    });
  }

  #stillFailed(requestId: string, material: string, reason: string): void {
    this.#outbox?.push({ type: 'stillResult', requestId, filed: false, reason: reason.slice(0, 200) });
    this.#update({
      still: { requestId, material, state: 'failed', message: t('calls.still.failed', { material, reason }) },
    });
  }

  #update(change: Partial<CallSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    for (const listener of [...this.#listeners]) listener();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hex(digest: ArrayBuffer): string {
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
