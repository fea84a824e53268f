// One 视频会商 call driven through the controller against the in-memory core: placing and
// waiting, the approver answering, the polite peer with the ticket's ICE servers, signals
// in order (and again after a failure on the way), the source switched, a still filed into
// the draft at the approver's request (and refused with a reason where it cannot be), a
// cut and its restoration in the record, and a line that cannot be restored ending the
// call — with the draft left as it was. WebRTC is the one part played (FakePeer).
import { waitFor } from '@testing-library/react';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src-renderer/api/client.ts';
import { CallController, type CallRecorder } from '../../src-renderer/calls/call-controller.ts';
import { FakeCore } from './fake-core.ts';
import { APPROVER } from './fake-calls.ts';
import { fakeController, fakeMedia, FakePeer, installMediaStream } from './fake-media.ts';
import { completeSocialCard, pngBytes, SOCIAL_CARD } from './intake-fixtures.ts';
import { CLERK } from './render-app.tsx';

beforeAll(installMediaStream);

const OFFER = { type: 'description', description: { type: 'offer', sdp: 'v=0 offer' } } as const;
const CANDIDATE = {
  type: 'candidate',
  candidate: {
    candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host',
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: null,
  },
} as const;

function setUp(options: { media?: Parameters<typeof fakeMedia>[0]; approversOnline?: number; relay?: boolean } = {}) {
  const core = new FakeCore({
    users: [CLERK],
    signedIn: CLERK.username,
    calls: {
      approversOnline: options.approversOnline ?? 1,
      iceServers: [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'c' }],
      ...(options.relay ? { iceTransportPolicy: 'relay' as const } : {}),
    },
  });
  const clerk = core.byUsername(CLERK.username)!;
  const draft = core.intake.seedDraft(clerk, SOCIAL_CARD, completeSocialCard());
  const api = createApiClient(core.transport);
  const media = fakeMedia(options.media);
  const recorded: Array<{ track: string; streams: MediaStream[]; stopped: boolean }> = [];
  const recorder: CallRecorder = {
    recordCall: (track, stream) => {
      const entry = { track, streams: [stream], stopped: false };
      recorded.push(entry);
      return {
        replace: async (next) => void entry.streams.push(next),
        stop: async () => void (entry.stopped = true),
      };
    },
  };
  const { controller, peers } = fakeController(api, media, {
    grabStill: async () => ({ blob: new Blob([pngBytes() as BlobPart], { type: 'image/png' }), width: 4, height: 4 }),
  });
  const filed: unknown[] = [];
  controller.attach(
    {
      draftId: draft.id,
      materials: [
        { id: 'applicant-id-card', name: '申请人身份证' },
        { id: 'photo', name: '照片' },
      ],
      onFiled: (view) => filed.push(view),
    },
    recorder,
  );
  return { core, draft, controller, media, peers, recorded, filed };
}

async function connected(options: Parameters<typeof setUp>[0] = {}) {
  const setup = setUp(options);
  await setup.controller.place({ draftId: setup.draft.id }, '外省证明格式');
  const callId = setup.controller.snapshot.call!.call.callId;
  setup.core.consult.answerAsApprover(callId);
  await waitFor(() => expect(setup.peers).toHaveLength(1));
  const peer = setup.peers[0]!;
  await waitFor(() => expect(peer.slots.get('second')).toBeDefined());
  peer.state('connected');
  return { ...setup, callId, peer };
}

describe('a call the window places', () => {
  it('waits for an approver with the count online, then runs a polite peer with the ticket’s ICE servers', async () => {
    const { core, draft, controller, media, peers } = setUp({ approversOnline: 0 });
    await controller.place({ draftId: draft.id }, '外省证明格式');
    const waiting = controller.snapshot;
    expect(waiting.phase).toBe('waiting');
    expect(waiting.call!.call.approversOnline).toBe(0);
    expect(waiting.call!.call.subject).toMatchObject({ draftId: draft.id, note: '外省证明格式' });
    expect(waiting.sources).toEqual(['counter', 'document', 'both']);
    expect(waiting.local?.getVideoTracks()).toEqual([media.counter]);
    expect(peers).toHaveLength(0);

    core.consult.answerAsApprover(waiting.call!.call.callId);
    await waitFor(() => expect(peers).toHaveLength(1));
    const peer = peers[0]!;
    expect(peer.options.polite).toBe(true);
    expect(peer.options.iceServers).toEqual([{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'c' }]);
    await waitFor(() => expect(peer.slots.get('second')).toBeNull());
    expect(peer.slots.get('audio')).toBe(media.microphone);
    expect(peer.slots.get('video')).toBe(media.counter);
    expect(controller.snapshot.phase).toBe('connecting');
    peer.state('connected');
    expect(controller.snapshot.phase).toBe('active');
    expect(core.consult.records.map((r) => r.entry)).toEqual([{ kind: 'connected', approver: APPROVER }]);
  });

  it('hands the approver’s descriptions and candidates to the peer, also those that came before it ran', async () => {
    const { core, draft, controller, peers } = setUp();
    await controller.place({ draftId: draft.id });
    const callId = controller.snapshot.call!.call.callId;
    core.consult.answerAsApprover(callId);
    core.consult.signalFromApprover(callId, OFFER);
    core.consult.signalFromApprover(callId, CANDIDATE);
    await waitFor(() => expect(peers[0]?.received).toEqual([OFFER, CANDIDATE]));
  });

  it('sends its signals in order, holding the rest while one fails on the way', async () => {
    const { core, peer, callId } = await connected();
    core.consult.faults.set('calls.signal', 'internal');
    peer.send({ type: 'description', description: { type: 'answer', sdp: 'v=0 answer' } });
    peer.send(CANDIDATE);
    await waitFor(() => expect(core.consult.sent.map((s) => s.signal.type)).toEqual(['description', 'candidate']));
    expect(core.consult.sent.every((s) => s.callId === callId)).toBe(true);
  });

  it('can be withdrawn while it waits; the media stop and the draft stays', async () => {
    const { core, draft, controller, media } = setUp({ approversOnline: 0 });
    await controller.place({ draftId: draft.id });
    await controller.withdraw();
    expect(controller.snapshot.phase).toBe('ended');
    expect(controller.snapshot.call!.call.endReason).toBe('withdrawn');
    expect(media.stopped).toBe(true);
    expect(core.intake.drafts.has(draft.id)).toBe(true);
  });

  it('says why it could not be placed, and stays ready to try again', async () => {
    const { core, draft, controller, media } = setUp();
    core.consult.faults.set('calls.place', 'sync.unreachable');
    await controller.place({ draftId: draft.id });
    expect(controller.snapshot.phase).toBe('idle');
    expect(controller.snapshot.fault).toMatch(/^会商未能发起：/);
    await waitFor(() => expect(media.stopped).toBe(true));
  });
});

describe('a call about a packet', () => {
  it('is recorded in the session the core names, its recording stopped with the call', async () => {
    const core = new FakeCore({ users: [CLERK], signedIn: CLERK.username });
    const sessions: Array<{ draftId: string; tracks: string[]; stopped: boolean }> = [];
    const peers: FakePeer[] = [];
    const controller = new CallController({
      api: createApiClient(core.transport),
      openMedia: async () => fakeMedia(),
      createPeer: (o) => {
        const peer = new FakePeer(o);
        peers.push(peer);
        return peer;
      },
      sessionRecorder: (draftId) => {
        const session = { draftId, tracks: [] as string[], stopped: false };
        sessions.push(session);
        return {
          recordCall: (track) => {
            session.tracks.push(track);
            return { replace: async () => {}, stop: async () => {} };
          },
          stop: async () => void (session.stopped = true),
        };
      },
    });
    await controller.place({ packetId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' });
    const call = controller.snapshot.call!;
    core.consult.answerAsApprover(call.call.callId);
    await waitFor(() => expect(sessions).toHaveLength(1));
    await waitFor(() => expect(sessions[0]!.tracks).toEqual(['callSent']));
    expect(sessions[0]!.draftId).toBe(call.draftId);
    peers[0]!.options.onRemoteTracks([fakeMedia().counter!]);
    expect(sessions[0]!.tracks).toEqual(['callSent', 'callReceived']);
    core.consult.endByApprover(call.call.callId);
    expect(sessions[0]!.stopped).toBe(true);
  });
});

describe('what the window shows', () => {
  it('switches the senders, tells the approver and records the source', async () => {
    const { core, controller, peer, media, recorded } = await connected();
    await controller.setSource('document');
    expect(peer.slots.get('video')).toBe(media.document);
    expect(peer.slots.get('second')).toBeNull();
    await controller.setSource('both');
    expect(peer.slots.get('video')).toBe(media.counter);
    expect(peer.slots.get('second')).toBe(media.document);
    expect(controller.snapshot.localSecond?.getVideoTracks()).toEqual([media.document]);
    await waitFor(() =>
      expect(core.consult.sent.filter((s) => s.signal.type === 'source').map((s) => s.signal)).toEqual([
        { type: 'source', source: 'document' },
        { type: 'source', source: 'both' },
      ]),
    );
    expect(core.consult.records.filter((r) => r.entry.kind === 'source').map((r) => r.entry)).toEqual([
      { kind: 'source', source: 'document' },
      { kind: 'source', source: 'both' },
    ]);
    // What is sent is recorded: the microphone and the main slot's camera, each switch a new stream.
    const sent = recorded.find((r) => r.track === 'callSent')!;
    expect(sent.streams.at(-2)!.getVideoTracks()).toEqual([media.document]);
    expect(sent.streams.at(-1)!.getTracks()).toEqual([media.microphone, media.counter]);
  });

  it('without a camera the call is audio only; without a microphone it still goes on', async () => {
    const audioOnly = await connected({ media: { counter: false, document: false } });
    expect(audioOnly.controller.snapshot.sources).toEqual([]);
    expect(audioOnly.peer.slots.get('audio')).toBe(audioOnly.media.microphone);
    expect(audioOnly.peer.slots.get('video')).toBeNull();
    const silent = await connected({ media: { microphone: false } });
    expect(silent.controller.snapshot.phase).toBe('active');
    expect(silent.peer.slots.get('audio')).toBeNull();
    expect(silent.peer.slots.get('video')).toBe(silent.media.counter);
  });

  it('records what comes from the approver, and stops both call tracks when the call ends', async () => {
    const { core, controller, peer, recorded, callId, media } = await connected();
    const remote = [media.counter!];
    peer.options.onRemoteTracks(remote);
    expect(controller.snapshot.remote?.getTracks()).toEqual(remote);
    expect(recorded.map((r) => r.track).sort()).toEqual(['callReceived', 'callSent']);
    core.consult.endByApprover(callId, 'hangup');
    expect(controller.snapshot.phase).toBe('ended');
    expect(controller.snapshot.endedHere).toBe(false);
    expect(recorded.every((r) => r.stopped)).toBe(true);
    expect(peer.closed).toBe(true);
  });
});

describe('a still at the approver’s request', () => {
  it('is taken on the document camera, filed under the material with the call id, recorded and reported', async () => {
    const { core, draft, controller, callId, filed } = await connected();
    const requestId = crypto.randomUUID();
    core.consult.signalFromApprover(callId, { type: 'stillRequest', requestId, materialCode: 'applicant-id-card' });
    await waitFor(() => expect(controller.snapshot.still?.state).toBe('filed'));
    const files = core.intake.drafts.get(draft.id)!.files;
    expect(files.filter((f) => f.materialId === 'applicant-id-card' && f.source === 'documentCamera')).toHaveLength(1);
    expect(filed).toHaveLength(1);
    const addFile = core.calls.find((c) => c.method === 'drafts.addFile')!.input as { capture: unknown };
    expect(addFile.capture).toEqual({ source: 'documentCamera', callId, frame: { width: 4, height: 4 } });
    const still = core.consult.records.find((r) => r.entry.kind === 'still')!.entry;
    expect(still).toMatchObject({ kind: 'still', materialCode: 'applicant-id-card', width: 4, height: 4 });
    await waitFor(() =>
      expect(core.consult.sent.find((s) => s.signal.type === 'stillResult')?.signal).toEqual({
        type: 'stillResult',
        requestId,
        filed: true,
        sha256: (still as { sha256: string }).sha256,
        width: 4,
        height: 4,
      }),
    );
    expect(controller.snapshot.still?.message).toContain('已按审批人请求拍摄“申请人居民身份证”');
  });

  it('is refused with a Chinese reason without a document camera, or for a packet', async () => {
    const noCamera = await connected({ media: { document: false } });
    const requestId = crypto.randomUUID();
    noCamera.core.consult.signalFromApprover(noCamera.callId, {
      type: 'stillRequest',
      requestId,
      materialCode: 'photo',
    });
    await waitFor(() =>
      expect(noCamera.core.consult.sent.find((s) => s.signal.type === 'stillResult')?.signal).toEqual({
        type: 'stillResult',
        requestId,
        filed: false,
        reason: '本窗口没有可用的高拍仪。',
      }),
    );

    const packet = setUp();
    packet.controller.attach(null, null);
    await packet.controller.place({ packetId: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' });
    const callId = packet.controller.snapshot.call!.call.callId;
    packet.core.consult.answerAsApprover(callId);
    await waitFor(() => expect(packet.peers).toHaveLength(1));
    packet.core.consult.signalFromApprover(callId, { type: 'stillRequest', requestId, materialCode: 'photo' });
    await waitFor(() =>
      expect(packet.core.consult.sent.find((s) => s.signal.type === 'stillResult')?.signal).toMatchObject({
        filed: false,
        reason: '本次会商针对已封装的收件包，不能补充材料。',
      }),
    );
  });

  it('that fails to be filed says why, and the call goes on', async () => {
    const { core, controller, callId } = await connected();
    core.intake.uploadLimit = 1;
    const requestId = crypto.randomUUID();
    core.consult.signalFromApprover(callId, { type: 'stillRequest', requestId, materialCode: 'photo' });
    await waitFor(() => expect(controller.snapshot.still?.state).toBe('failed'));
    expect(controller.snapshot.still?.message).toMatch(
      /^未能按审批人请求拍摄“近期免冠彩色证件照片”：拍摄的照片未能存入草稿：文件/,
    );
    expect(core.consult.sent.find((s) => s.signal.type === 'stillResult')?.signal).toMatchObject({ filed: false });
    expect(controller.snapshot.phase).toBe('active');
  });
});

describe('a cut line', () => {
  it('records the interruption and the restored gap', async () => {
    const { core, controller, peer } = await connected();
    peer.options.onInterrupted?.(1000);
    peer.state('interrupted');
    expect(controller.snapshot.phase).toBe('interrupted');
    peer.options.onRestored?.(1000, 4000);
    peer.state('connected');
    expect(controller.snapshot.phase).toBe('active');
    expect(core.consult.records.map((r) => r.entry).slice(1)).toEqual([
      { kind: 'interrupted', atMs: 1000 },
      { kind: 'restored', fromMs: 1000, toMs: 4000 },
    ]);
  });

  it('that cannot be restored ends the call as lost, the draft left as it was', async () => {
    const { core, draft, controller, peer, media } = await connected();
    const filesBefore = core.intake.drafts.get(draft.id)!.files.length;
    peer.state('failed');
    await waitFor(() => expect(controller.snapshot.phase).toBe('ended'));
    expect(core.consult.ended.at(-1)?.reason).toBe('lost');
    expect(controller.snapshot.call!.call.endReason).toBe('lost');
    expect(controller.snapshot.fault).toBeNull();
    expect(media.stopped).toBe(true);
    expect(core.intake.drafts.get(draft.id)!.files.length).toBe(filesBefore);
  });

  it('that never connected through an unreachable TURN server says so', async () => {
    const { core, draft, controller, peers } = setUp({ relay: true });
    await controller.place({ draftId: draft.id });
    core.consult.answerAsApprover(controller.snapshot.call!.call.callId);
    await waitFor(() => expect(peers).toHaveLength(1));
    peers[0]!.options.onIceServerError?.('turn:127.0.0.1:3478', 701, 'TURN allocate request timed out.');
    peers[0]!.state('failed');
    await waitFor(() => expect(controller.snapshot.phase).toBe('ended'));
    expect(controller.snapshot.fault).toBe('无法连接中继服务器（TURN），请联系运维人员检查会商网络设置。');
  });
});
