// A camera chosen among the PC's video inputs, by its label (as the capture and recording
// code remembers it: device ids change between browser profiles), with a live preview at
// what the camera grants for its use: up to 4K for the 高拍仪 (the same request as capture
// makes), 1280×720 for the counter camera.
import { useCallback, useEffect, useRef, useState } from 'react';
import { t } from '../../../src-main/common/i18n/index.ts';
import { cameraFault, type CameraFault } from '../../devices/camera-choice.ts';
import { openCounterCamera } from '../../devices/countercam/camera.ts';
import { openCamera, videoInputs } from '../../devices/doccam/camera.ts';
import { SelectField } from '../../components/Field.tsx';
import { ErrorNotice, StatusNotice } from '../../components/Notice.tsx';
import { type CameraSlot, resolutionText } from './setup-model.ts';

/** The video inputs with their labels: the browser names cameras only once one has been opened. */
async function listCameras(): Promise<MediaDeviceInfo[]> {
  const cameras = await videoInputs();
  if (cameras.length === 0 || cameras.every((camera) => camera.label)) return cameras;
  const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
  for (const track of stream.getTracks()) track.stop();
  return videoInputs();
}

/** Each camera opened as its own screen opens it, so the preview grants what work will get. */
function openFor(slot: CameraSlot, deviceId: string | undefined): Promise<MediaStream> {
  return slot === 'documentCamera' ? openCamera(deviceId) : openCounterCamera(deviceId);
}

const stop = (stream: MediaStream | null) => {
  for (const track of stream?.getTracks() ?? []) track.stop();
};

export function CameraChooser({
  slot,
  label,
  onChange,
}: {
  slot: CameraSlot;
  /** The camera's label as stored in the config; undefined: the first camera there is. */
  label: string | undefined;
  onChange: (label: string | undefined) => void;
}) {
  const [cameras, setCameras] = useState<MediaDeviceInfo[] | null>(null);
  const [finding, setFinding] = useState(false);
  const [fault, setFault] = useState<CameraFault | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [opening, setOpening] = useState(false);
  const [granted, setGranted] = useState<string | null>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const name = t(`setupWizard.devices.${slot}.title`);

  const find = useCallback(async () => {
    setFinding(true);
    setFault(null);
    try {
      setCameras(await listCameras());
    } catch (error) {
      setCameras([]);
      setFault(cameraFault(error));
    } finally {
      setFinding(false);
    }
  }, []);

  useEffect(() => {
    let live = true;
    listCameras().then(
      (found) => {
        if (live) setCameras(found);
      },
      (error: unknown) => {
        if (!live) return;
        setCameras([]);
        setFault(cameraFault(error));
      },
    );
    return () => {
      live = false;
    };
  }, []);

  /** Shows the camera's picture (again, when another camera is chosen while it shows). */
  const startPreview = () => {
    setOpening(true);
    setGranted(null);
    setFault(null);
    setPreviewing(true);
  };

  const stopPreview = () => {
    setOpening(false);
    setPreviewing(false);
  };

  const deviceId = cameras?.find((camera) => camera.label === label)?.deviceId;
  useEffect(() => {
    if (!previewing) return;
    let live = true;
    let stream: MediaStream | null = null;
    const video = videoRef.current;
    openFor(slot, deviceId).then(
      (opened) => {
        if (!live) return stop(opened);
        stream = opened;
        setOpening(false);
        if (video) video.srcObject = opened; // muted and autoPlay: it plays by itself
        setGranted(resolutionText(opened.getVideoTracks()[0]?.getSettings() ?? {}));
      },
      (error: unknown) => {
        if (!live) return;
        setOpening(false);
        setPreviewing(false);
        setFault(cameraFault(error));
      },
    );
    return () => {
      live = false;
      stop(stream);
      if (video) video.srcObject = null;
    };
  }, [previewing, slot, deviceId]);

  const options = [
    { value: '', label: t('setupWizard.devices.camera.anyCamera') },
    ...(cameras ?? []).map((camera, index) => ({
      value: camera.label,
      label: camera.label || t('setupWizard.devices.camera.unnamed', { number: index + 1 }),
    })),
    ...(label && !cameras?.some((camera) => camera.label === label) ? [{ value: label, label }] : []),
  ];

  return (
    <div className="camera-chooser">
      <div className="form-grid">
        <SelectField
          label={t('setupWizard.devices.camera.choose')}
          options={options}
          value={label ?? ''}
          onChange={(e) => {
            if (previewing) startPreview();
            onChange(e.target.value || undefined);
          }}
        />
      </div>
      <div className="actions">
        <button type="button" disabled={finding} onClick={() => void find()}>
          {t('setupWizard.devices.camera.find')}
        </button>
        <button type="button" aria-pressed={previewing} onClick={() => (previewing ? stopPreview() : startPreview())}>
          {previewing ? t('setupWizard.devices.camera.stopPreview') : t('setupWizard.devices.camera.preview')}
        </button>
      </div>
      {(finding || cameras === null) && <StatusNotice message={t('setupWizard.devices.camera.finding')} />}
      {cameras?.length === 0 && !fault && <p className="muted">{t('setupWizard.devices.camera.none')}</p>}
      {opening && <StatusNotice message={t('setupWizard.devices.camera.opening')} />}
      <ErrorNotice message={fault ? t(`setupWizard.devices.camera.faults.${fault}`) : null} />
      {previewing && (
        <div className="camera-preview">
          <video
            ref={videoRef}
            muted
            playsInline
            autoPlay
            aria-label={t('setupWizard.devices.camera.previewLabel', { camera: name })}
          />
          {granted && <p role="status">{t('setupWizard.devices.camera.granted', { resolution: granted })}</p>}
        </div>
      )}
    </div>
  );
}
