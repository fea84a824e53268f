// The render worker: a worker thread that holds the PDF libraries (pdf-lib, fontkit,
// qrcode) and the fonts, so the core never loads them. Started by render-thread.ts for
// a seal (or ahead of one, when the clerk asks for review) and ended soon after; it
// answers each RenderRequest (a notice to render, camera pages to bind) with the PDF or
// the error's text.
//
// It warms up at once: reads and parses the fonts, then renders one throwaway receipt,
// which compiles pdf-lib's and fontkit's hot paths (a cold first document takes about
// 0.6 s more). A request that arrives meanwhile simply runs alongside.
import { parentPort } from 'node:worker_threads';
import { bindPages } from './bind-pages.ts';
import { warmUpFonts } from './fonts.ts';
import type { DocumentInput } from './model.ts';
import { PageUnreadable, type RenderReply, type RenderRequest } from './render-protocol.ts';
import { renderDocumentWithReport } from './render.ts';

const port = parentPort;
if (!port) throw new Error('render-worker.ts runs as a worker thread');

const WARM_UP: DocumentInput = {
  kind: 'receipt',
  number: 'WARM-UP',
  office: { name: '通办', window: '通办' },
  applicant: { name: '通办', idNumber: '000000' },
  item: { name: '通办', code: 'WARM' },
  receivedOn: '2026-01-05',
  issuedOn: '2026-01-05',
  materials: [{ name: '通办专窗收件', required: 1, received: 1 }],
  contact: { clerk: '通办', phone: '12345' },
  committedDeadline: { date: '2026-01-12' },
  tracking: { number: 'WARM-UP' },
  department: '通办',
  result: { delivery: '通办' },
  fees: '通办',
  consultPhone: '12345',
};

// A failed warm-up is not fatal here: the first real render tries again and reports.
warmUpFonts()
  .then(() => renderDocumentWithReport(WARM_UP))
  .catch(() => undefined);

port.on('message', (request: RenderRequest) => {
  const work =
    'model' in request
      ? renderDocumentWithReport(request.model)
      : bindPages(request.bind).then((bytes) => ({ bytes, unprintable: [] }));
  work.then(
    ({ bytes, unprintable }) => {
      const reply: RenderReply = { id: request.id, ok: true, bytes, unprintable };
      port.postMessage(reply, [bytes.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const reply: RenderReply = {
        id: request.id,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        ...(error instanceof PageUnreadable ? { page: error.index } : {}),
      };
      port.postMessage(reply);
    },
  );
});
