// The on-screen preview of a print job: the document is encoded to the very bytes the
// printer gets (encodeDocument), read back by our reader (escpos-reader.ts) and drawn dot
// for dot as the simulator draws its roll (roll.ts `renderPng`) — so the preview cannot show
// anything the printer would not print, nor leave out anything it would. Pure: no I/O.
import { encodeDocument, type PrintDocument } from './escpos.ts';
import { readEscPos, renderText } from './escpos-reader.ts';
import { renderPng } from './roll.ts';

/** The roll as a PNG, one dot a pixel (384 or 576 wide), black on white. */
export function previewPng(document: PrintDocument): Buffer {
  return renderPng(readEscPos(encodeDocument(document)), document.paper);
}

/** The roll as text: lines placed by their alignment, QR codes named with their payload, cuts drawn. */
export function previewText(document: PrintDocument): string {
  return renderText(readEscPos(encodeDocument(document)), document.paper);
}
