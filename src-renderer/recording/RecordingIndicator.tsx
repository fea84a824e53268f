// The recording's state in the intake wizard's header: 录制中, 录制暂停·摄像头故障 (a gap)
// or 未录制. A button: it opens the details (why the camera is not recording, segments
// waiting for the core) and the choice of the counter camera, remembered on this PC.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '../app/api-context.tsx';
import { t } from '../../src-main/common/i18n/index.ts';
import { SEGMENT_MS } from '../../src-main/common/recording.ts';
import { rememberCounterCamera } from '../devices/countercam/camera.ts';
import { type CallTrackRecording, canRecord, type RecordingStatus, SessionRecording } from './session-recording.ts';

export type StopReason = 'sealed' | 'discarded' | 'left';

/**
 * Records the draft's session while the component that calls it is mounted.
 * `stopReason` is read at unmount: why the recording ends.
 */
export function useSessionRecording(
  draftId: string,
  sensitive: () => readonly string[],
  stopReason: () => StopReason,
): {
  status: RecordingStatus;
  switchCamera: () => void;
  /** Records a 视频会商 call's track into this session (nothing where the platform cannot record). */
  recordCall: (track: 'callSent' | 'callReceived', stream: MediaStream) => CallTrackRecording;
} {
  const api = useApi();
  const [status, setStatus] = useState<RecordingStatus>(() =>
    canRecord() ? { active: true, camera: { kind: 'starting' }, pending: 0 } : inactive,
  );
  const recording = useRef<SessionRecording | null>(null);
  const sensitiveRef = useRef(sensitive);
  const reasonRef = useRef(stopReason);
  useEffect(() => {
    sensitiveRef.current = sensitive;
    reasonRef.current = stopReason;
  });

  useEffect(() => {
    if (!canRecord()) return;
    const session = new SessionRecording({
      api,
      draftId,
      segmentMs: SEGMENT_MS,
      sensitive: () => sensitiveRef.current(),
      onStatus: setStatus,
    });
    recording.current = session;
    void session.start();
    return () => {
      recording.current = null;
      void session.stop(reasonRef.current());
    };
  }, [api, draftId]);

  const switchCamera = useCallback(() => void recording.current?.switchCamera(), []);
  const recordCall = useCallback(
    (track: 'callSent' | 'callReceived', stream: MediaStream) =>
      recording.current?.recordCall(track, stream) ?? notRecorded,
    [],
  );
  return { status, switchCamera, recordCall };
}

const notRecorded: CallTrackRecording = { replace: async () => {}, stop: async () => {} };

const inactive: RecordingStatus = { active: false, camera: { kind: 'starting' }, pending: 0 };

type Shown = 'on' | 'cameraFault' | 'off' | 'starting';

function shownOf(status: RecordingStatus): Shown {
  if (!status.active) return 'off';
  if (status.camera.kind === 'fault') return 'cameraFault';
  if (status.camera.kind === 'starting') return 'starting';
  return 'on';
}

export function RecordingIndicator({
  status,
  onSwitchCamera,
}: {
  status: RecordingStatus;
  onSwitchCamera: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const shown = shownOf(status);
  const label = t(`intake.recording.${shown}`);

  useEffect(() => {
    if (!open || !navigator.mediaDevices?.enumerateDevices) return;
    let live = true;
    void navigator.mediaDevices.enumerateDevices().then((all) => {
      if (live) setCameras(all.filter((d) => d.kind === 'videoinput'));
    });
    return () => {
      live = false;
    };
  }, [open]);

  const current = status.camera.kind === 'recording' ? status.camera.label : '';
  return (
    <div className={`recording-state recording-${shown}`} aria-live="polite">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="recording-details"
        title={t('intake.recording.details')}
        onClick={() => setOpen((was) => !was)}
      >
        <span className="recording-dot" aria-hidden="true" />
        {label}
      </button>
      {open && (
        <div id="recording-details" className="recording-details">
          {shown === 'on' && <p>{t('intake.recording.onDetail')}</p>}
          {shown === 'off' && <p>{t('intake.recording.offDetail')}</p>}
          {status.camera.kind === 'fault' && status.active && (
            <p role="alert">
              {t(`intake.recording.faults.${status.camera.fault}`)}
              {t('intake.recording.screenGoesOn')}
            </p>
          )}
          {status.pending > 1 && <p>{t('intake.recording.pending', { count: status.pending })}</p>}
          {status.active && (
            <label>
              {t('intake.recording.camera')}
              <select
                value={current}
                onChange={(event) => {
                  rememberCounterCamera(event.target.value);
                  onSwitchCamera();
                }}
              >
                {!cameras.some((c) => c.label === current) && (
                  <option value={current}>{current || t('intake.recording.cameraNone')}</option>
                )}
                {cameras.map((camera) => (
                  <option key={camera.deviceId} value={camera.label}>
                    {camera.label}
                  </option>
                ))}
              </select>
            </label>
          )}
          {status.camera.kind === 'recording' && (
            <p className="muted">
              {t('intake.recording.resolution', {
                width: status.camera.format.width,
                height: status.camera.format.height,
              })}{' '}
              {status.camera.format.mediaType}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
