// The render worker: a worker thread that holds the PDF libraries (pdf-lib, fontkit,
// qrcode) and the fonts, so the core never loads them. Started by render-thread.ts for
// a seal (or ahead of one) and ended soon after; it answers each RenderRequest with the
// PDF or the error's text. It starts reading the fonts at once: the request that
// started it usually arrives while they load.
import { parentPort } from 'node:worker_threads';
import { warmUpFonts } from './fonts.ts';
import type { RenderReply, RenderRequest } from './render-protocol.ts';
import { renderDocumentWithReport } from './render.ts';

const port = parentPort;
if (!port) throw new Error('render-worker.ts runs as a worker thread');

// A failed warm-up is not fatal here: the first render reads the fonts again and reports.
warmUpFonts().catch(() => undefined);

port.on('message', (request: RenderRequest) => {
  renderDocumentWithReport(request.model).then(
    ({ bytes, unprintable }) => {
      const reply: RenderReply = { id: request.id, ok: true, bytes, unprintable };
      port.postMessage(reply, [bytes.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: RenderReply = {
        id: request.id,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
      port.postMessage(reply);
    },
  );
});
