// A page's thumbnail: the small JPEG stored beside an image page for the pages list. Its own
// module without imports, so the capture screen's worker can read it without the schemas.

/** The long side of the JPEG thumbnail the screens make of an image page (the pages list shows it 3 × 4 rem). */
export const THUMBNAIL_LONG_SIDE = 160;
/** The largest thumbnail taken (`drafts.addFile`): the screens make a few kilobytes. */
export const MAX_THUMBNAIL_BYTES = 256 * 1024;
