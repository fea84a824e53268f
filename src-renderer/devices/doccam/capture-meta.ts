// What the core is told about a page taken on the document camera (`PageCapture`, kept in the
// session log) and the page's file name. Pure.
import type { PageCapture } from '../../../src-main/common/draft.ts';
import type { Quad } from '../../../src-main/devices/doccam/image.ts';
import type { ColourMode, Rotation } from '../../../src-main/devices/doccam/rectify.ts';
import type { QualityVerdict } from '../../../src-main/devices/doccam/quality.ts';
import type { Size } from './geometry.ts';

export interface TakenPage {
  /** The still's size. */
  frame: Size;
  /** Where the page lay in the still; null: no page found, the whole frame was filed. */
  corners: Quad | null;
  adjusted: boolean;
  mode: ColourMode;
  rotation: Rotation;
  /** What the quality check said; anything but ok was overruled by the clerk. */
  verdict: QualityVerdict | null;
}

export function pageCapture(page: TakenPage): PageCapture {
  const capture: PageCapture = {
    source: 'documentCamera',
    frame: { width: page.frame.width, height: page.frame.height },
    mode: page.mode,
    rotation: page.rotation,
    adjusted: page.adjusted,
    warnings: page.verdict && page.verdict !== 'ok' ? [page.verdict] : [],
  };
  if (page.corners) {
    capture.corners = page.corners.map((p) => ({ x: round1(p.x), y: round1(p.y) }));
  }
  return capture;
}

/** `身份证_第2页.jpg`: the material's name, the page's place, the format's extension. */
export function pageName(material: string, place: number, mediaType: string): string {
  const extension = mediaType === 'image/png' ? 'png' : 'jpg';
  return `${material.slice(0, 200)}_第${place}页.${extension}`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
