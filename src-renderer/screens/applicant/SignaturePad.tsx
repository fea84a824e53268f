// 申请人签名 on the applicant screen: the applicant writes their name with a finger, a pen
// or the mouse; the ink is drawn with perfect-freehand (signature-ink.ts decides the
// points, their pressure and the outline), and 确认签名 hands the strokes and a PNG of the
// ink, cropped to it, to `onSubmit` (the core stores both: IntakeService.attachSignature).
// A pad cannot be driven by keyboard: its description says so, and 无法在屏幕签名 is always
// there as the way forward (the clerk has the applicant sign the printed receipt).
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import type { PointerEvent as ReactPointerEvent } from 'react';
import {
  isSignatureLongEnough,
  type SignatureCapture,
  type SignatureStroke,
} from '../../../src-main/common/signature.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { describeError } from '../../app/errors.ts';
import { ErrorNotice } from '../../components/Notice.tsx';
import { cropBox, imageScale, InkRecorder, outlinePath, type PointerSample, strokeOutline } from './signature-ink.ts';

export interface SignaturePadProps {
  /** Stores the signature; a rejection's message is shown on the pad and the ink stays for another try. */
  onSubmit: (capture: SignatureCapture) => Promise<void>;
  /** The applicant cannot sign on the screen: the clerk has them sign on paper. */
  onUnable: () => void;
  /** The signature is being stored (or the screen waits for the core). */
  busy?: boolean;
}

const INK_COLOUR = '#0b1f3a';

export function SignaturePad({ onSubmit, onUnable, busy = false }: SignaturePadProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const recorder = useRef(new InkRecorder());
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [hasInk, setHasInk] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const frame = useRef<number | null>(null);
  const descriptionId = useId();
  const hintId = useId();
  const disabled = busy || submitting;

  const redraw = useCallback(() => {
    frame.current = null;
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const ratio = window.devicePixelRatio || 1;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    paintInk(context, recorder.current);
  }, []);

  const scheduleRedraw = useCallback(() => {
    frame.current ??= requestAnimationFrame(redraw);
  }, [redraw]);

  // The canvas's backing store follows its CSS size and the device pixel ratio (sharp ink).
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const measure = () => {
      const box = canvas.getBoundingClientRect();
      const next = { width: Math.round(box.width), height: Math.round(box.height) };
      setSize((current) => (current.width === next.width && current.height === next.height ? current : next));
    };
    measure();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(measure);
    observer?.observe(canvas);
    return () => observer?.disconnect();
  }, []);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || size.width === 0) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(size.width * ratio);
    canvas.height = Math.round(size.height * ratio);
    redraw();
  }, [size, redraw]);

  useEffect(
    () => () => {
      if (frame.current !== null) cancelAnimationFrame(frame.current);
    },
    [],
  );

  const sample = (event: ReactPointerEvent<HTMLCanvasElement> | PointerEvent): PointerSample => {
    const box = canvasRef.current!.getBoundingClientRect();
    return {
      x: event.clientX - box.left,
      y: event.clientY - box.top,
      pressure: event.pressure,
      pointerType: event.pointerType,
      time: event.timeStamp,
    };
  };

  const onPointerDown = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (disabled || (event.pointerType === 'mouse' && event.button !== 0)) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture?.(event.pointerId);
    recorder.current.begin(sample(event));
    setMessage(null);
    setHasInk(true);
    scheduleRedraw();
  };

  const onPointerMove = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (!recorder.current.drawing) return;
    // A fast hand moves further between frames than one event says: take every point the browser saw.
    const events = event.nativeEvent.getCoalescedEvents?.() ?? [];
    let added = false;
    for (const one of events.length > 0 ? events : [event.nativeEvent])
      added = recorder.current.add(sample(one)) || added;
    if (added) scheduleRedraw();
  };

  const onPointerUp = (event: ReactPointerEvent<HTMLCanvasElement>) => {
    if (!recorder.current.drawing) return;
    recorder.current.end();
    if (event.currentTarget.hasPointerCapture?.(event.pointerId)) {
      event.currentTarget.releasePointerCapture(event.pointerId);
    }
    scheduleRedraw();
  };

  const clear = () => {
    recorder.current.clear();
    setHasInk(false);
    setMessage(null);
    scheduleRedraw();
  };

  const submit = async () => {
    const strokes = recorder.current.strokes.map((stroke) => [...stroke]);
    if (strokes.length === 0) {
      setMessage(t('signature.empty'));
      return;
    }
    if (!isSignatureLongEnough(strokes)) {
      setMessage(t('signature.tooShort'));
      return;
    }
    setSubmitting(true);
    setMessage(null);
    try {
      const png = await inkPng(strokes, size);
      await onSubmit({ strokes, png, width: size.width, height: size.height });
    } catch (failure) {
      setMessage(describeError(failure));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <section className="signature-pad" aria-labelledby={`${hintId}-title`}>
      <h2 id={`${hintId}-title`}>{t('signature.title')}</h2>
      <p id={hintId} className="signature-hint">
        {t('signature.hint')}
      </p>
      <canvas
        ref={canvasRef}
        className="signature-canvas"
        role="img"
        aria-label={t('signature.padLabel')}
        aria-describedby={`${hintId} ${descriptionId}`}
        aria-disabled={disabled}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onLostPointerCapture={() => recorder.current.end()}
      />
      <p id={descriptionId} className="visually-hidden">
        {t('signature.padDescription')}
      </p>
      <ErrorNotice message={message} />
      <div className="signature-actions">
        <button type="button" onClick={clear} disabled={disabled || !hasInk}>
          {t('signature.clear')}
        </button>
        <button type="button" className="primary" onClick={() => void submit()} disabled={disabled || !hasInk}>
          {submitting ? t('signature.submitting') : t('signature.submit')}
        </button>
        <button type="button" className="signature-unable" onClick={onUnable} disabled={submitting}>
          {t('signature.unable')}
        </button>
      </div>
    </section>
  );
}

function paintInk(context: CanvasRenderingContext2D, recorder: InkRecorder): void {
  context.fillStyle = INK_COLOUR;
  recorder.strokes.forEach((stroke, i) => {
    const finished = i < recorder.strokes.length - 1 || !recorder.drawing;
    context.fill(new Path2D(outlinePath(strokeOutline(stroke, undefined, finished))));
  });
}

/** The ink alone on a transparent ground, cropped to it with a margin, as PNG bytes. */
async function inkPng(strokes: SignatureStroke[], pad: { width: number; height: number }): Promise<Uint8Array> {
  const box = cropBox(strokes, pad)!;
  const scale = imageScale(window.devicePixelRatio);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(box.width * scale);
  canvas.height = Math.round(box.height * scale);
  const context = canvas.getContext('2d')!;
  context.setTransform(scale, 0, 0, scale, -box.x * scale, -box.y * scale);
  context.fillStyle = INK_COLOUR;
  for (const stroke of strokes) context.fill(new Path2D(outlinePath(strokeOutline(stroke))));
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the signature could not be drawn as PNG');
  return new Uint8Array(await blob.arrayBuffer());
}
