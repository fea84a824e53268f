// The window's one 视频会商 call, held above the areas (the Shell provides it to clerks):
// a call goes on while the clerk moves between the draft and the queue. The intake
// wizard attaches its draft and its session recording (stills are filed there, the call
// is recorded there); the call panel and the incoming-call dialog render from here.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useApi } from '../../app/api-context.tsx';
import { CallController, type CallDraft, type CallRecorder } from '../../calls/call-controller.ts';
import { SEGMENT_MS } from '../../../src-main/common/recording.ts';
import { SessionRecording } from '../../recording/session-recording.ts';
import { CallPanel } from './CallPanel.tsx';
import { IncomingCall } from './IncomingCall.tsx';
import type { CallTopic } from './call-topic.ts';

export type { CallTopic };

export interface CallsApi {
  controller: CallController;
  /** Opens the panel about a draft or a packet (a live call's panel stays on its call). */
  open: (topic: CallTopic) => void;
  /** The draft open at the counter and its recording; null when the wizard closes. */
  attachDraft: (draft: (CallDraft & { itemName: string }) | null, recorder: CallRecorder | null) => void;
}

const CallsContext = createContext<CallsApi | null>(null);

/** The calls of this window, or null outside a clerk's shell (a screen rendered alone). */
export function useCalls(): CallsApi | null {
  return useContext(CallsContext);
}

/** Options for tests: the controller (with its media and peer played). */
export function CallsProvider({ children, controller: given }: { children: ReactNode; controller?: CallController }) {
  const api = useApi();
  const [controller] = useState(
    () =>
      given ??
      new CallController({
        api,
        // A packet's call, no draft open: its tracks alone, in the session the core names.
        sessionRecorder: (draftId) => {
          const recording = new SessionRecording({
            api,
            draftId,
            segmentMs: SEGMENT_MS,
            sensitive: () => [],
            onStatus: () => {},
            screen: false,
          });
          return {
            recordCall: (track, stream) => recording.recordCall(track, stream),
            stop: () => recording.stop('left'),
          };
        },
      }),
  );
  const [topic, setTopic] = useState<CallTopic | null>(null);
  const [draft, setDraft] = useState<(CallDraft & { itemName: string }) | null>(null);
  const [panelOpen, setPanelOpen] = useState(false);

  useEffect(() => () => controller.dispose(), [controller]);

  const open = useCallback(
    (next: CallTopic) => {
      if (!controller.live) {
        controller.reset();
        setTopic(next);
      }
      setPanelOpen(true);
    },
    [controller],
  );
  const attachDraft = useCallback<CallsApi['attachDraft']>(
    (next, recorder) => {
      controller.attach(next, recorder);
      setDraft(next);
    },
    [controller],
  );
  const value = useMemo(() => ({ controller, open, attachDraft }), [controller, open, attachDraft]);

  return (
    <CallsContext.Provider value={value}>
      {children}
      {panelOpen && (
        <CallPanel
          controller={controller}
          topic={topic}
          onClose={() => {
            setPanelOpen(false);
            setTopic(null);
            controller.reset();
          }}
        />
      )}
      <IncomingCall
        controller={controller}
        draftOpen={draft !== null}
        onAnswered={() => {
          setTopic(null);
          setPanelOpen(true);
        }}
      />
    </CallsContext.Provider>
  );
}
