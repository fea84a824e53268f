// 高拍仪拍摄: one material's pages taken on the document camera. Live preview with the page's
// outline as the worker finds it (a few times a second), the shutter by button, Space,
// PageDown or F9 (what foot pedals send), or automatically once the page lies still; the
// still at full resolution, straightened in the worker, shown with its quality warning,
// colour mode, quarter turns and draggable corners; then filed as a page of the material.
// Every fault (no camera, permission, unplugged, no page, no opencv) says what to do, and
// pages already filed stay filed. The barcodes and QR codes read on the page are listed,
// and one can be filled into a field of the item's form (`codeFill`, from the intake screen).
import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { Material } from '../../../src-main/common/catalog.ts';
import { codeName, type PageCode } from '../../../src-main/common/page-codes.ts';
import type { Point, Quad } from '../../../src-main/devices/doccam/image.ts';
import type { ColourMode, Rotation } from '../../../src-main/devices/doccam/rectify.ts';
import { t, type MessageKey } from '../../../src-main/common/i18n/index.ts';
import { Dialog } from '../../components/Dialog.tsx';
import {
  cameraFault,
  chooseCamera,
  openCamera,
  liveFrame,
  photoWidth,
  rememberedLabel,
  rememberLabel,
  takeStill,
  videoInputs,
  type CameraFault,
} from '../../devices/doccam/camera.ts';
import { pageCapture, pageName } from '../../devices/doccam/capture-meta.ts';
import { DoccamError, type DoccamWorker, sharedDoccamWorker } from '../../devices/doccam/doccam-client.ts';
import {
  cornerShift,
  insetQuad,
  moveCorner,
  nearestCorner,
  svgPoints,
  type Size,
} from '../../devices/doccam/geometry.ts';
import type { RectifiedPage } from '../../devices/doccam/protocol.ts';
import { greyOf, StillnessDetector } from '../../devices/doccam/stillness.ts';
import type { CapturedFile } from './captured-file.ts';
import { type CodeFill, suggestedField } from './code-fill.ts';

/** How often the live frame is looked at. */
const DETECT_EVERY_MS = 250;
/** The long side of the live frame the worker looks at. */
const DETECT_SIZE = 640;
/** The small grey frame auto-capture compares. */
const STILLNESS_SIZE = 96;
/** The long side of the still's copy shown for corner dragging. */
const STILL_VIEW_SIZE = 1280;
const MODES: readonly ColourMode[] = ['colour', 'grey', 'bw'];
/** The shutter's preview comes from the last live frame only when it is this fresh… */
const PREVIEW_MAX_AGE_MS = 2000;
/** …and stays only while the still shows the page where the frame had it (a share of the diagonal). */
const PREVIEW_MAX_SHIFT = 0.02;
/** A taken page before the clerk changed anything. */
const untouched = { adjusted: false, mode: 'colour', rotation: 0, page: null, pageUrl: null } as const;
const SHUTTER_KEYS = new Set(['PageDown', 'F9']);

type Fault = CameraFault | 'unplugged';

interface Taken {
  frame: Size;
  /** A small copy of the whole still, for the corner view (scaled by the browser, never encoded); null while it is read. */
  stillView: ImageBitmap | null;
  /** Shown at the shutter from the preview, before the still has been read: no corners yet. */
  pending: boolean;
  /** Null: no page found; the clerk chooses the whole frame or a retake. */
  corners: Quad | null;
  adjusted: boolean;
  mode: ColourMode;
  rotation: Rotation;
  /** The page straightened from the last live frame, shown until the full page is made. */
  previewUrl: string | null;
  page: RectifiedPage | null;
  pageUrl: string | null;
  /** The clerk chose to keep the whole frame after no page was found. */
  whole: boolean;
}

export interface CapturePanelProps {
  material: Material;
  /** The place a retake fills (1-based), with the page it replaces. */
  retake?: { place: number; sha256: string };
  /** Pages the material holds now (for the next page's name). */
  pageCount: number;
  /** Files the page; answers an error message, or null when it is filed. */
  file: (captured: CapturedFile) => Promise<string | null>;
  /** The form's fields a code read on the page may be filled into (none: codes are only listed). */
  codeFill?: CodeFill;
  onClose: () => void;
}

export function CapturePanel({ material, retake, pageCount, file, codeFill, onClose }: CapturePanelProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const workerRef = useRef<DoccamWorker | null>(null);
  const stillness = useRef(new StillnessDetector());
  const lastGrey = useRef<Uint8Array | undefined>(undefined);
  /** When the live frame the worker looked at last was taken (performance.now()). */
  const lastLookAt = useRef(-Infinity);
  const shutterRef = useRef<HTMLButtonElement>(null);
  const useRef_ = useRef<HTMLButtonElement>(null);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState<string>('');
  const [granted, setGranted] = useState<Size | null>(null);
  const [phase, setPhase] = useState<'starting' | 'live' | 'fault'>('starting');
  const [fault, setFault] = useState<Fault | null>(null);
  const [outline, setOutline] = useState<Quad | null>(null);
  /** The live frame's size the outline is in. */
  const [liveSize, setLiveSize] = useState<Size | null>(null);
  const [searched, setSearched] = useState(false);
  const [noAutoCrop, setNoAutoCrop] = useState<string | null>(null);
  const [auto, setAuto] = useState(false);
  const [busy, setBusy] = useState<'rectifying' | 'uploading' | null>(null);
  const [taken, setTaken] = useState<Taken | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [filed, setFiled] = useState<number | null>(null);
  const [selected, setSelected] = useState(0);
  const generation = useRef(0);

  useEffect(() => {
    const worker = sharedDoccamWorker();
    workerRef.current = worker;
    return () => worker.release();
  }, []);

  const stopStream = () => {
    for (const track of streamRef.current?.getTracks() ?? []) {
      track.onended = null;
      track.stop();
    }
    streamRef.current = null;
  };

  const start = useCallback(async (deviceId?: string) => {
    stopStream();
    setPhase('starting');
    setFault(null);
    setOutline(null);
    try {
      let id = deviceId;
      if (id === undefined) {
        const listed = await videoInputs();
        if (listed.length === 0) throw Object.assign(new Error(), { name: 'NotFoundError' });
        id = chooseCamera(listed, rememberedLabel())?.deviceId || undefined;
      }
      let stream = await openCamera(id);
      streamRef.current = stream;
      const listed = await videoInputs();
      // Before permission, labels are empty and the remembered camera cannot be told apart: now it can.
      const remembered = rememberedLabel();
      const wanted = remembered ? listed.find((c) => c.label === remembered) : undefined;
      if (deviceId === undefined && wanted && wanted.deviceId !== stream.getVideoTracks()[0]?.getSettings().deviceId) {
        stopStream();
        stream = await openCamera(wanted.deviceId);
        streamRef.current = stream;
      }
      const track = stream.getVideoTracks()[0];
      setCameras(listed);
      const settings = track?.getSettings() ?? {};
      setCameraId(settings.deviceId ?? id ?? '');
      setGranted(settings.width && settings.height ? { width: settings.width, height: settings.height } : null);
      if (track) {
        void photoWidth(track); // asked now, not at the first shutter
        track.onended = () => {
          stopStream();
          setFault('unplugged');
          setPhase('fault');
        };
      }
      const video = videoRef.current;
      if (video) {
        video.srcObject = stream;
        await video.play().catch(() => undefined);
      }
      stillness.current.reset();
      setPhase('live');
    } catch (error) {
      stopStream();
      setFault(cameraFault(error));
      setPhase('fault');
    }
  }, []);

  useEffect(() => {
    // Opened after this render (start sets state as it goes).
    void Promise.resolve().then(() => start());
    return stopStream;
  }, [start]);

  /** Rectifies the kept still as `next` says and shows the page; answers what is shown (null: superseded or failed). */
  const straighten = async (next: Taken): Promise<Taken | null> => {
    const worker = workerRef.current;
    if (!worker) return null;
    const mine = ++generation.current;
    setBusy('rectifying');
    try {
      const page = await worker.rectify(next.whole ? null : next.corners, next.mode, next.rotation);
      if (mine !== generation.current) return null;
      const pageUrl = URL.createObjectURL(new Blob([page.bytes], { type: page.mediaType }));
      const shown = { ...next, page, pageUrl };
      setTaken((current) => {
        if (current?.pageUrl) URL.revokeObjectURL(current.pageUrl);
        return shown;
      });
      requestAnimationFrame(() => useRef_.current?.focus());
      return shown;
    } catch (error) {
      setProblem(
        t('intake.capture.faults.rectify', { detail: error instanceof Error ? error.message : String(error) }),
      );
    } finally {
      if (mine === generation.current) setBusy(null);
    }
    return null;
  };

  const discard = () => {
    generation.current++;
    setTaken((current) => {
      if (current) {
        current.stillView?.close();
        if (current.pageUrl) URL.revokeObjectURL(current.pageUrl);
        if (current.previewUrl) URL.revokeObjectURL(current.previewUrl);
      }
      return null;
    });
    workerRef.current?.release();
    // The outline was the last page's: the live view looks again before it says a page is there.
    setOutline(null);
    setSearched(false);
    setBusy(null);
    requestAnimationFrame(() => shutterRef.current?.focus());
  };

  const fileIt = async (taken: Taken | null) => {
    if (!taken?.page) return;
    setBusy('uploading');
    setProblem(null);
    const place = retake?.place ?? pageCount + 1;
    const page = taken.page;
    const failure = await file({
      name: pageName(material.name, place, page.mediaType),
      content: new Blob([page.bytes], { type: page.mediaType }),
      thumbnail: new Uint8Array(page.thumbnail),
      capture: pageCapture({
        frame: taken.frame,
        corners: taken.whole ? null : taken.corners,
        adjusted: taken.adjusted,
        mode: taken.mode,
        rotation: taken.rotation,
        verdict: page.quality?.verdict ?? null,
      }),
      replacing: retake?.sha256,
    });
    setBusy(null);
    if (failure) {
      setProblem(failure);
      return;
    }
    if (retake) {
      onClose();
      return;
    }
    setFiled(place);
    discard();
  };

  /** `automatic`: auto-capture took it, and a page without a quality warning is filed at once. */
  const shutter = async (automatic = false) => {
    const video = videoRef.current;
    const worker = workerRef.current;
    if (phase !== 'live' || busy || taken || !video || !worker || video.videoWidth === 0) return;
    setBusy('rectifying');
    setProblem(null);
    setFiled(null);
    const mine = ++generation.current;
    try {
      const still = await takeStill(video, streamRef.current?.getVideoTracks()[0]);
      stillness.current.taken(lastGrey.current);
      // At once: the page of the live frame the worker looked at last, straightened, while the
      // still is read and straightened in full (a second or so on a 2-core hall PC).
      const fresh = outline !== null && performance.now() - lastLookAt.current < PREVIEW_MAX_AGE_MS;
      const previewing = fresh ? worker.preview().catch(() => null) : Promise.resolve(null);
      const looking = worker.still(still, STILL_VIEW_SIZE);
      const preview = await previewing;
      let previewUrl = preview && URL.createObjectURL(new Blob([preview.jpeg], { type: 'image/jpeg' }));
      if (previewUrl && mine === generation.current) {
        setTaken({
          ...untouched,
          frame: { width: video.videoWidth, height: video.videoHeight },
          stillView: null,
          pending: true,
          corners: null,
          previewUrl,
          whole: false,
        });
        setSelected(0);
      }
      const { frame, view, detection, opencv } = await looking;
      if (mine !== generation.current) {
        view.close();
        if (previewUrl) URL.revokeObjectURL(previewUrl);
        return;
      }
      if (!opencv) setNoAutoCrop((current) => current ?? 'opencv');
      if (previewUrl && (!detection || cornerShift(preview!.corners, detection.corners, frame) > PREVIEW_MAX_SHIFT)) {
        // The page moved at the shutter (or is gone from the still): its preview would mislead.
        URL.revokeObjectURL(previewUrl);
        previewUrl = null;
      }
      const base: Taken = {
        ...untouched,
        frame,
        stillView: view,
        pending: false,
        corners: detection?.corners ?? null,
        previewUrl,
        whole: !opencv,
      };
      setTaken(base);
      setSelected(0);
      const shown = detection || !opencv ? await straighten(base) : null;
      const verdict = shown?.page?.quality?.verdict ?? 'ok';
      if (automatic && shown && verdict === 'ok') await fileIt(shown);
    } catch (error) {
      setProblem(
        error instanceof DoccamError
          ? t('intake.capture.faults.rectify', { detail: error.message })
          : t('intake.capture.faults.still'),
      );
    } finally {
      setBusy(null);
    }
  };
  // The live loop calls the shutter of the latest render.
  const shoot = useRef(shutter);
  useEffect(() => {
    shoot.current = shutter;
  });

  // The live loop: the outline a few times a second, and auto-capture's stillness.
  useEffect(() => {
    if (phase !== 'live' || taken) return;
    let inFlight = false;
    const timer = setInterval(() => {
      const video = videoRef.current;
      const worker = workerRef.current;
      if (!video || !worker || video.readyState < 2 || video.videoWidth === 0 || inFlight) return;
      const full = { width: video.videoWidth, height: video.videoHeight };
      // The video frame is scaled once a tick (its colours are converted at full size: the
      // costly part); stillness looks at a copy of that.
      const frame = liveFrame(video, noAutoCrop ? STILLNESS_SIZE : DETECT_SIZE, STILLNESS_SIZE);
      const grey = greyOf(frame.tiny.data);
      lastGrey.current = grey;
      const still = stillness.current.feed(grey, performance.now());
      if (noAutoCrop) {
        if (auto && still) void shoot.current(true);
        return;
      }
      inFlight = true;
      lastLookAt.current = performance.now();
      worker
        .detect(frame.small, full)
        .then(
          (detection) => {
            setOutline(detection?.corners ?? null);
            setSearched(true);
            setLiveSize(full);
            if (auto && still && detection) void shoot.current(true);
            else if (auto && still) stillness.current.taken(grey);
          },
          (error: unknown) => {
            if (error instanceof DoccamError && error.failure === 'opencvUnavailable') {
              setNoAutoCrop(error.message);
              setOutline(null);
            }
          },
        )
        .finally(() => {
          inFlight = false;
        });
    }, DETECT_EVERY_MS);
    return () => clearInterval(timer);
  }, [phase, taken, auto, noAutoCrop]);

  useEffect(() => {
    if (phase === 'live' && !taken) shutterRef.current?.focus();
  }, [phase, taken]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (taken || phase !== 'live') return;
    const target = event.target as HTMLElement;
    const typing = target.closest('select, input, textarea') !== null;
    if (SHUTTER_KEYS.has(event.key) || (event.key === ' ' && !typing)) {
      event.preventDefault();
      void shutter();
    }
  };

  const switchCamera = (deviceId: string) => {
    const chosen = cameras.find((c) => c.deviceId === deviceId);
    if (chosen?.label) rememberLabel(chosen.label);
    void start(deviceId);
  };

  const title = retake
    ? t('intake.capture.retakeTitle', { material: material.name, place: retake.place })
    : t('intake.capture.title', { material: material.name });

  return (
    <Dialog title={title} onClose={onClose} className="capture-dialog">
      <div className="capture" onKeyDown={onKeyDown}>
        <div className="capture-bar">
          <label>
            {t('intake.capture.camera')}{' '}
            <select
              value={cameraId}
              onChange={(event) => switchCamera(event.target.value)}
              disabled={cameras.length < 2}
            >
              {cameras.length === 0 && <option value="">—</option>}
              {cameras.map((camera, index) => (
                <option key={camera.deviceId || index} value={camera.deviceId}>
                  {camera.label || `${t('intake.capture.camera')} ${index + 1}`}
                </option>
              ))}
            </select>
          </label>
          {granted && <span className="muted">{t('intake.capture.resolution', { ...granted })}</span>}
          {!retake && (
            <label className="capture-auto">
              <input type="checkbox" checked={auto} onChange={(event) => setAuto(event.target.checked)} />{' '}
              {t('intake.capture.auto')}
            </label>
          )}
        </div>

        {phase === 'fault' && fault && (
          <div className="notice notice-error" role="alert">
            <p>{t(`intake.capture.faults.${fault}`)}</p>
            <button type="button" onClick={() => void start()}>
              {t('intake.capture.retry')}
            </button>
          </div>
        )}
        {noAutoCrop && (
          <p className="notice notice-warning" role="status">
            {t('intake.capture.noAutoCrop', { detail: noAutoCrop })}
          </p>
        )}

        <div className="capture-stage" hidden={taken !== null || phase === 'fault'}>
          <div className="capture-live">
            <video ref={videoRef} autoPlay muted playsInline aria-label={t('intake.capture.preview')} />
            {liveSize && outline && (
              <svg
                className="capture-outline"
                viewBox={`-0.5 -0.5 ${liveSize.width} ${liveSize.height}`}
                preserveAspectRatio="xMidYMid meet"
                aria-hidden="true"
              >
                <polygon points={svgPoints(outline)} />
              </svg>
            )}
          </div>
          <div className="capture-side">
            <p role="status" className="capture-state">
              {phase === 'starting'
                ? t('intake.capture.starting')
                : busy === 'rectifying'
                  ? t('intake.capture.rectifying')
                  : outline
                    ? t('intake.capture.pageFound')
                    : searched
                      ? t('intake.capture.noPageLive')
                      : auto
                        ? t('intake.capture.autoWaiting')
                        : ''}
            </p>
            <button
              type="button"
              ref={shutterRef}
              className="primary capture-shutter"
              aria-keyshortcuts="Space PageDown F9"
              disabled={phase !== 'live' || busy !== null}
              onClick={() => void shutter()}
            >
              {t('intake.capture.shutter')}
            </button>
            <p className="field-hint">{t('intake.capture.shutterHint')}</p>
            {filed !== null && (
              <p className="notice notice-ok" role="status">
                {t('intake.capture.filed', { place: filed })}
              </p>
            )}
            {problem && !taken && (
              <p className="notice notice-error" role="alert">
                {problem}
              </p>
            )}
          </div>
        </div>

        {taken && (
          <TakenView
            taken={taken}
            busy={busy}
            problem={problem}
            selected={selected}
            onSelect={setSelected}
            codeFill={codeFill}
            useRef={useRef_}
            onChange={(next, now) => {
              setTaken(next);
              if (now) void straighten(next);
            }}
            onUse={() => {
              if (!busy) void fileIt(taken);
            }}
            onAgain={discard}
          />
        )}
      </div>
    </Dialog>
  );
}

function TakenView({
  taken,
  busy,
  problem,
  selected,
  onSelect,
  codeFill,
  useRef: useButton,
  onChange,
  onUse,
  onAgain,
}: {
  taken: Taken;
  busy: 'rectifying' | 'uploading' | null;
  problem: string | null;
  selected: number;
  onSelect: (index: number) => void;
  codeFill: CodeFill | undefined;
  useRef: React.RefObject<HTMLButtonElement | null>;
  onChange: (next: Taken, now: boolean) => void;
  onUse: () => void;
  onAgain: () => void;
}) {
  const svgRef = useRef<SVGSVGElement>(null);
  const dragging = useRef(false);
  const { frame, page } = taken;
  const verdict = page?.quality?.verdict ?? 'ok';
  const noPage = taken.corners === null && !taken.whole && !taken.pending;
  const step = Math.max(1, Math.round(Math.max(frame.width, frame.height) / 500));

  const pointAt = (event: PointerEvent<SVGSVGElement>): Point | null => {
    const svg = svgRef.current;
    const matrix = svg?.getScreenCTM();
    if (!svg || !matrix) return null;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    return { x: point.x, y: point.y };
  };
  const move = (index: number, to: Point, now: boolean) => {
    if (!taken.corners) return;
    onChange({ ...taken, corners: moveCorner(taken.corners, index, to, frame), adjusted: true }, now);
  };

  const onCornerKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!taken.corners) return;
    if (/^[1-4]$/.test(event.key)) {
      event.preventDefault();
      onSelect(Number(event.key) - 1);
      return;
    }
    const d = (event.shiftKey ? 10 : 1) * step;
    const delta = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, -d], ArrowDown: [0, d] }[event.key];
    if (delta) {
      event.preventDefault();
      const corner = taken.corners[selected]!;
      move(selected, { x: corner.x + delta[0]!, y: corner.y + delta[1]! }, false);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      onChange(taken, true);
    }
  };

  return (
    <div className="capture-stage capture-taken">
      <div className="capture-still">
        <h3>{t('intake.capture.corners')}</h3>
        <div
          className="capture-still-view"
          tabIndex={taken.corners ? 0 : -1}
          role="group"
          aria-label={`${t('intake.capture.corners')}：${t('intake.capture.cornerSelected', { corner: t(`intake.capture.cornerNames.${selected}` as MessageKey) })}`}
          aria-describedby="capture-corners-hint"
          onKeyDown={onCornerKey}
          onKeyUp={(event) => {
            if (event.key.startsWith('Arrow')) onChange(taken, true);
          }}
        >
          <BitmapView bitmap={taken.stillView} label={t('intake.capture.stillAlt')} />
          {taken.corners && taken.stillView && (
            <svg
              ref={svgRef}
              className="capture-outline capture-editable"
              viewBox={`-0.5 -0.5 ${frame.width} ${frame.height}`}
              preserveAspectRatio="xMidYMid meet"
              onPointerDown={(event) => {
                const at = pointAt(event);
                if (!at || !taken.corners) return;
                const index = nearestCorner(taken.corners, at);
                onSelect(index);
                dragging.current = true;
                event.currentTarget.setPointerCapture(event.pointerId);
                move(index, at, false);
              }}
              onPointerMove={(event) => {
                const at = dragging.current ? pointAt(event) : null;
                if (at) move(selected, at, false);
              }}
              onPointerUp={() => {
                if (!dragging.current) return;
                dragging.current = false;
                onChange(taken, true);
              }}
            >
              <polygon points={svgPoints(taken.corners)} />
              {taken.corners.map((p, index) => (
                <circle
                  key={index}
                  cx={p.x}
                  cy={p.y}
                  r={Math.max(frame.width, frame.height) / 80}
                  className={index === selected ? 'corner corner-selected' : 'corner'}
                />
              ))}
            </svg>
          )}
        </div>
        <p id="capture-corners-hint" className="field-hint">
          {t('intake.capture.cornersHint')}{' '}
          {taken.corners &&
            t('intake.capture.cornerSelected', { corner: t(`intake.capture.cornerNames.${selected}` as MessageKey) })}
          {taken.adjusted && ` · ${t('intake.capture.adjusted')}`}
        </p>
        {/* Under the still, where the panel is wide: the result column keeps 使用此页 in view at 1366×768. */}
        {page && <PageCodes codes={page.codes} codeFill={codeFill} />}
      </div>
      <div className="capture-result">
        <h3>{t('intake.capture.result')}</h3>
        {noPage && (
          <div className="notice notice-warning" role="alert">
            <p>{t('intake.capture.noPage')}</p>
            <button type="button" onClick={() => onChange({ ...taken, whole: true }, true)}>
              {t('intake.capture.useWhole')}
            </button>{' '}
            <button
              type="button"
              onClick={() => onChange({ ...taken, corners: insetQuad(frame), adjusted: true }, true)}
            >
              {t('intake.capture.setCorners')}
            </button>{' '}
            <button type="button" onClick={onAgain}>
              {t('intake.capture.again')}
            </button>
          </div>
        )}
        {/* The preview until the full page is made: the same place, the same picture, sharper once it comes. */}
        {(taken.pageUrl ?? taken.previewUrl) && (
          <img
            className="capture-page"
            src={(taken.pageUrl ?? taken.previewUrl)!}
            data-preview={taken.pageUrl ? undefined : 'true'}
            alt={t('intake.capture.resultAlt')}
          />
        )}
        {page && <p className="muted">{t('intake.capture.size', { width: page.width, height: page.height })}</p>}
        {page && verdict !== 'ok' && (
          <p className="notice notice-warning" role="alert">
            {t(`intake.capture.${verdict}`)}
          </p>
        )}
        {!noPage && (
          <>
            <fieldset className="capture-modes">
              <legend>{t('intake.capture.mode')}</legend>
              {MODES.map((mode) => (
                <label key={mode}>
                  <input
                    type="radio"
                    name="capture-mode"
                    value={mode}
                    checked={taken.mode === mode}
                    disabled={taken.pending}
                    onChange={() => onChange({ ...taken, mode }, true)}
                  />
                  {t(`intake.capture.modes.${mode}`)}
                </label>
              ))}
            </fieldset>
            <button
              type="button"
              disabled={busy !== null}
              onClick={() => onChange({ ...taken, rotation: ((taken.rotation + 90) % 360) as Rotation }, true)}
            >
              {t('intake.capture.rotate')}
            </button>
          </>
        )}
        <p role="status" className="capture-state">
          {busy === 'rectifying'
            ? t('intake.capture.rectifying')
            : busy === 'uploading'
              ? t('intake.capture.uploading')
              : ''}
        </p>
        {problem && (
          <p className="notice notice-error" role="alert">
            {problem}
          </p>
        )}
        <div className="capture-actions">
          {!noPage && (
            <button type="button" ref={useButton} className="primary" disabled={!page || busy !== null} onClick={onUse}>
              {verdict === 'ok' ? t('intake.capture.use') : t('intake.capture.useAnyway')}
            </button>
          )}
          <button type="button" disabled={busy === 'uploading'} onClick={onAgain}>
            {t('intake.capture.again')}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * The codes read on the page, each named by kind (an EMS waybill as one), and the way to put
 * one into a field of the form: the code (when there are several), the field (the first it
 * fits is offered), 填入. The field then holds what typing the code would give, checked as
 * typing is, and is saved; its problem, if any, is said here.
 */
function PageCodes({ codes, codeFill }: { codes: PageCode[] | null; codeFill: CodeFill | undefined }) {
  const id = useId();
  const [chosen, setChosen] = useState(0);
  const [fieldKey, setFieldKey] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ label: string; problem: string | undefined } | null>(null);
  if (codes === null) return <p className="page-codes muted">{t('intake.capture.codes.unavailable')}</p>;
  if (codes.length === 0) return <p className="page-codes muted">{t('intake.capture.codes.none')}</p>;
  const code = codes[Math.min(chosen, codes.length - 1)]!;
  const fields = codeFill?.fields ?? [];
  const field =
    fields.find((f) => f.key === fieldKey) ??
    (codeFill && suggestedField(fields, codeFill.answers, code.text, codeFill.today));

  const fill = () => {
    if (!codeFill || !field) return;
    setOutcome({ label: field.label, problem: codeFill.fill(field, code.text) });
  };

  return (
    <section className="page-codes capture-codes" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t('intake.capture.codes.title', { count: codes.length })}</h4>
      {codes.length === 1 ? (
        <p className="capture-code">
          {codeName(code)}：<span className="capture-code-text">{code.text}</span>
        </p>
      ) : (
        <fieldset className="capture-code-choice">
          <legend className="visually-hidden">{t('intake.capture.codes.choose')}</legend>
          {codes.map((each, index) => (
            <label key={index} className="capture-code">
              <input
                type="radio"
                name={`${id}-code`}
                checked={index === chosen}
                onChange={() => {
                  setChosen(index);
                  setOutcome(null);
                }}
              />
              {codeName(each)}：<span className="capture-code-text">{each.text}</span>
            </label>
          ))}
        </fieldset>
      )}
      {codeFill && fields.length === 0 && <p className="muted">{t('intake.capture.codes.noFields')}</p>}
      {codeFill && field && (
        <div className="capture-fill">
          <label htmlFor={`${id}-field`}>{t('intake.capture.codes.fillInto')}</label>
          <select
            id={`${id}-field`}
            value={field.key}
            onChange={(event) => {
              setFieldKey(event.target.value);
              setOutcome(null);
            }}
          >
            {fields.map((each) => (
              <option key={each.key} value={each.key}>
                {optionLabel(each.label, codeFill.answers[each.key])}
              </option>
            ))}
          </select>
          <button type="button" onClick={fill}>
            {t('intake.capture.codes.fill')}
          </button>
          <span className={outcome?.problem ? 'capture-fill-problem' : 'capture-fill-done'} role="status">
            {outcome &&
              (outcome.problem
                ? t('intake.capture.codes.filledProblem', { field: outcome.label, problem: outcome.problem })
                : t('intake.capture.codes.filled', { field: outcome.label }))}
          </span>
        </div>
      )}
    </section>
  );
}

/** A field in the list, with what it holds now (which filling replaces). */
function optionLabel(label: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return label;
  const text = String(value);
  const shown = text.length > 16 ? `${text.slice(0, 15)}…` : text;
  return t('intake.capture.codes.fieldNow', { field: label, value: shown });
}

/** A bitmap shown as a picture: drawn on a canvas of its own size, scaled by CSS like an <img>. */
function BitmapView({ bitmap, label }: { bitmap: ImageBitmap | null; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !bitmap || bitmap.width === 0) return; // not read yet, or closed: the panel moved on
    canvas.width = bitmap.width;
    canvas.height = bitmap.height;
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  }, [bitmap]);
  return <canvas ref={ref} className="capture-still-picture" role="img" aria-label={label} />;
}
