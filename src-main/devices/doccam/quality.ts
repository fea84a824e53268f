// Is a capture good enough to file? Two checks on the straightened page (or any image),
// made before the clerk files it, as warnings the clerk may overrule:
// - sharpness: the variance of the Laplacian, the usual focus measure, divided by the
//   variance of the gradient. The plain variance grows with how much text a page has and
//   with its contrast; the ratio does not, and falls as edges widen (for an edge blurred
//   over σ pixels it goes as 1/σ²). Both are taken on a copy scaled to a fixed long side,
//   so the same page scores the same from a 2 MP or a 12 MP camera;
// - glare: the share of the page in bright blobs of near-saturated pixels (a lamp's or the
//   window's reflection on glossy paper, which wipes out what is printed under it).
//   Scattered saturated specks do not count.
// Pure computation on opencv.js; no Node import. Thresholds are tuned on the generated
// frames of tests/main/devices/doccam/quality.test.ts, not yet on real cameras.
import { checkImage, type RgbaImage } from './image.ts';
import { type OpenCv, withMats } from './opencv.ts';

export type QualityVerdict = 'ok' | 'blurred' | 'glare';

export interface Quality {
  verdict: QualityVerdict;
  /** Laplacian variance / gradient variance at the working size; below `SHARPNESS_MIN`: blurred. */
  sharpness: number;
  /** The plain variance of the Laplacian at the working size (for the log and tuning). */
  laplacianVariance: number;
  /** Share of the image in glare blobs, 0–1; at or above `GLARE_MAX`: glare. */
  glare: number;
}

/** The long side both measures are taken at. */
export const QUALITY_WORKING_SIZE = 1200;
export const SHARPNESS_MIN = 0.12;
export const GLARE_MAX = 0.01;
/** A grey level at or above this is saturated (8-bit sensors clip at 255; JPEG rings a little under). */
const SATURATED = 250;
/** A glare blob covers at least this share of the image; smaller saturated spots are specks. */
const BLOB_MIN_SHARE = 0.001;

export function assessQuality(cv: OpenCv, image: RgbaImage): Quality {
  checkImage(image);
  return withMats((keep) => {
    const rgba = keep(cv.matFromImageData(image));
    const full = keep(new cv.Mat());
    cv.cvtColor(rgba, full, cv.COLOR_RGBA2GRAY);
    const scale = Math.min(1, QUALITY_WORKING_SIZE / Math.max(image.width, image.height));
    let grey = full;
    if (scale < 1) {
      const size = new cv.Size(
        Math.max(1, Math.round(image.width * scale)),
        Math.max(1, Math.round(image.height * scale)),
      );
      grey = keep(new cv.Mat());
      cv.resize(full, grey, size, 0, 0, cv.INTER_AREA);
    }

    const laplacian = keep(new cv.Mat());
    cv.Laplacian(grey, laplacian, cv.CV_32F, 1);
    const dx = keep(new cv.Mat());
    const dy = keep(new cv.Mat());
    cv.Sobel(grey, dx, cv.CV_32F, 1, 0, 1);
    cv.Sobel(grey, dy, cv.CV_32F, 0, 1, 1);
    const laplacianVariance = variance(laplacian.data32F);
    const gradientVariance = variance(dx.data32F) + variance(dy.data32F);
    // A blank, even image has no edges to judge: call it sharp rather than warn for nothing.
    const sharpness = gradientVariance < 1 ? 1 : laplacianVariance / gradientVariance;

    const bright = keep(new cv.Mat());
    cv.threshold(grey, bright, SATURATED - 1, 255, cv.THRESH_BINARY);
    const labels = keep(new cv.Mat());
    const stats = keep(new cv.Mat());
    const centroids = keep(new cv.Mat());
    const count = cv.connectedComponentsWithStats(bright, labels, stats, centroids, 8, cv.CV_32S);
    const total = grey.rows * grey.cols;
    let glarePixels = 0;
    for (let label = 1; label < count; label++) {
      const area = stats.intAt(label, cv.CC_STAT_AREA);
      if (area >= BLOB_MIN_SHARE * total) glarePixels += area;
    }
    const glare = glarePixels / total;

    const verdict: QualityVerdict = glare >= GLARE_MAX ? 'glare' : sharpness < SHARPNESS_MIN ? 'blurred' : 'ok';
    return { verdict, sharpness, laplacianVariance, glare };
  });
}

function variance(values: Float32Array): number {
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / values.length;
  return squares / values.length - mean * mean;
}
