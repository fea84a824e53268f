// The image every doccam function takes and gives: RGBA, 8 bits a channel, rows top to
// bottom, no padding: the shape of a canvas's ImageData, so a camera frame from the
// renderer (later) and a file decoded in Node (image-file.ts) are the same value.

/** An RGBA image: `data.length === width * height * 4`. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** A point in image pixels (x to the right, y down); fractional after detection. */
export interface Point {
  x: number;
  y: number;
}

/** A page's corners in the order top-left, top-right, bottom-right, bottom-left (clockwise on screen). */
export type Quad = readonly [Point, Point, Point, Point];

/** Throws unless `image` is what RgbaImage promises: a wrong length would read past the data. */
export function checkImage(image: RgbaImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size ${width}×${height} is not a positive whole size`);
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(`image data holds ${data.length} bytes, not ${width}×${height}×4`);
  }
}

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}
