// The window's end of a call, reduced to what the approver console needs to be tried
// alone: the same CallPeer (polite), the fake camera and microphone, the window API of
// the inbox with the window's token, and a still request answered as filed. The real
// window (the core and the clerk's panel) is the HARNESS test's.
import type { CallSignal, SignalPoll } from '../../../src-main/common/call-protocol.ts';
import { CallPeer } from '../../../src-renderer/calls/call-peer.ts';

const params = new URLSearchParams(location.search);
const callId = params.get('callId') ?? '';
const headers = { authorization: `Bearer ${params.get('token') ?? ''}`, 'content-type': 'application/json' };
const base = `/v1/calls/${callId}`;
let chain = Promise.resolve();
const send = (signal: CallSignal) => {
  chain = chain.then(async () => {
    await fetch(`${base}/signals`, { method: 'POST', headers, body: JSON.stringify({ signal }) });
  });
};

async function run(): Promise<void> {
  // A call the approver placed: the window answers it first.
  if (params.get('answer') === '1')
    await fetch(`${base}/answer`, { method: 'POST', headers: { authorization: headers.authorization } });
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true });
  const peer = new CallPeer({
    polite: true,
    iceServers: [],
    iceTransportPolicy: 'all',
    send,
    onRemoteTracks: (tracks) => {
      const video = document.querySelector('video') as HTMLVideoElement;
      video.srcObject = new MediaStream([...tracks]);
      void video.play().catch(() => undefined);
    },
    onState: (state) => (document.body.dataset.state = state),
  });
  for (const track of media.getTracks()) await peer.setTrack(track.kind === 'audio' ? 'audio' : 'video', track);
  send({ type: 'source', source: 'counter' });
  let after = 0;
  for (;;) {
    const poll = (await (await fetch(`${base}/signals?after=${after}&wait=20`, { headers })).json()) as SignalPoll;
    for (const { seq, signal } of poll.signals) {
      after = seq;
      if (signal.type === 'stillRequest') {
        send({
          type: 'stillResult',
          requestId: signal.requestId,
          filed: true,
          sha256: 'ab'.repeat(32),
          width: 4000,
          height: 3000,
        });
      } else await peer.receive(signal);
    }
    if (poll.call.state === 'ended') {
      document.body.dataset.ended = poll.call.endReason ?? '';
      peer.close();
      return;
    }
  }
}

void run();
