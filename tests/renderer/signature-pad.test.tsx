// The applicant's signature pad driven by synthetic pointer events: a pen's strokes reach
// onSubmit with their pressure, the pad's size and a PNG; a tap is refused with a message;
// 清除 starts again; a refusal from the core is shown and the ink stays; 无法在屏幕签名 is
// always there, and the pad says it cannot be used from the keyboard. jsdom has no canvas:
// the 2D context, Path2D and toBlob are stand-ins that record what the pad drew.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignaturePad } from '../../src-renderer/screens/applicant/SignaturePad.tsx';
import { ApiCallError } from '../../src-renderer/api/client.ts';
import { SignatureInk, type SignatureCapture } from '../../src-main/common/signature.ts';
import { pngBytes } from '../fixtures/files.ts';

const PNG = pngBytes(120, 40, 20);
let fills: string[] = [];
let blobs = 0;
const restore: Array<() => void> = [];

beforeAll(() => {
  const proto = HTMLCanvasElement.prototype;
  const saved = { getContext: proto.getContext, toBlob: proto.toBlob, rect: proto.getBoundingClientRect };
  const context = {
    fillStyle: '',
    setTransform: () => {},
    clearRect: () => {},
    fill: (path: { d: string }) => fills.push(path.d),
  };
  proto.getContext = (() => context) as unknown as typeof proto.getContext;
  proto.toBlob = function toBlob(callback: BlobCallback) {
    blobs += 1;
    callback(new Blob([PNG as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
  };
  proto.getBoundingClientRect = () => ({ left: 0, top: 0, width: 800, height: 300 }) as DOMRect;
  const globals = globalThis as unknown as Record<string, unknown>;
  const savedPath = globals['Path2D'];
  globals['Path2D'] = class {
    constructor(readonly d: string) {}
  };
  restore.push(() => {
    proto.getContext = saved.getContext;
    proto.toBlob = saved.toBlob;
    proto.getBoundingClientRect = saved.rect;
    globals['Path2D'] = savedPath;
  });
});

afterAll(() => restore.forEach((undo) => undo()));

beforeEach(() => {
  fills = [];
  blobs = 0;
});

function canvas(): HTMLElement {
  return screen.getByRole('img', { name: '签名框' });
}

/** A stroke with the pen: down, a zigzag of moves, up. */
function penStroke(from: number, points = 30, pressure = 0.35): void {
  const pad = canvas();
  const init = { pointerId: 1, pointerType: 'pen', pressure, button: 0 };
  fireEvent.pointerDown(pad, { ...init, clientX: from, clientY: 100 });
  for (let i = 1; i < points; i++) {
    fireEvent.pointerMove(pad, { ...init, clientX: from + i * 8, clientY: 100 + (i % 2) * 30 });
  }
  fireEvent.pointerUp(pad, { ...init, clientX: from + points * 8, clientY: 100 });
}

function renderPad(overrides: Partial<Parameters<typeof SignaturePad>[0]> = {}) {
  const onSubmit = vi.fn<(capture: SignatureCapture) => Promise<void>>(() => Promise.resolve());
  const onUnable = vi.fn();
  render(<SignaturePad onSubmit={onSubmit} onUnable={onUnable} {...overrides} />);
  return { onSubmit, onUnable };
}

describe('SignaturePad', () => {
  it('hands the pen’s strokes with their pressure, the pad’s size and a PNG to onSubmit', async () => {
    const { onSubmit } = renderPad();
    penStroke(100);
    penStroke(200, 20, 0.6);
    await waitFor(() => expect(fills.length).toBeGreaterThan(0)); // the ink is drawn
    fireEvent.click(screen.getByRole('button', { name: '确认签名' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    const capture = onSubmit.mock.calls[0]![0];
    expect(capture).toMatchObject({ width: 800, height: 300 });
    expect(capture.strokes).toHaveLength(2);
    expect(capture.strokes[0]).toHaveLength(30);
    expect(capture.strokes[0]![0]!.slice(0, 3)).toEqual([100, 100, 0.35]);
    expect(new Set(capture.strokes[1]!.map((p) => p[2]))).toEqual(new Set([0.6]));
    expect([...capture.png]).toEqual([...PNG]);
    expect(blobs).toBe(1);
    const { png: _png, ...ink } = capture;
    expect(SignatureInk.safeParse(ink).success).toBe(true);
  });

  it('refuses a tap with a message and hands nothing over', async () => {
    const { onSubmit } = renderPad();
    const pad = canvas();
    fireEvent.pointerDown(pad, { pointerId: 1, pointerType: 'touch', pressure: 0.5, clientX: 300, clientY: 100 });
    fireEvent.pointerUp(pad, { pointerId: 1, pointerType: 'touch', pressure: 0, clientX: 300, clientY: 100 });
    fireEvent.click(screen.getByRole('button', { name: '确认签名' }));
    expect((await screen.findByRole('alert')).textContent).toContain('签名太短');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('starts again on 清除: no ink, nothing to confirm', () => {
    renderPad();
    expect((screen.getByRole('button', { name: '确认签名' }) as HTMLButtonElement).disabled).toBe(true);
    penStroke(100);
    expect((screen.getByRole('button', { name: '确认签名' }) as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: '清除' }));
    expect((screen.getByRole('button', { name: '确认签名' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: '清除' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the core’s refusal in Chinese and keeps the ink for another try', async () => {
    const onSubmit = vi.fn(() => Promise.reject(new ApiCallError('signature.badImage', 'not a PNG')));
    renderPad({ onSubmit });
    penStroke(100);
    fireEvent.click(screen.getByRole('button', { name: '确认签名' }));
    expect((await screen.findByRole('alert')).textContent).toContain('签名图像不是有效的 PNG 图片');
    expect((screen.getByRole('button', { name: '确认签名' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('offers 无法在屏幕签名 at all times and says the pad cannot be used from the keyboard', () => {
    const { onUnable } = renderPad({ busy: true });
    const described = (canvas().getAttribute('aria-describedby') ?? '').split(' ');
    expect(described.map((id) => document.getElementById(id)?.textContent ?? '').join('')).toMatch(/无法用键盘操作/);
    penStroke(100); // busy: the pad takes no ink
    expect((screen.getByRole('button', { name: '确认签名' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: '无法在屏幕签名' }));
    expect(onUnable).toHaveBeenCalledTimes(1);
  });
});
