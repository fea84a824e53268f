// 预览: a slip as the printer prints it, drawn dot for dot by the core (a PNG as wide as
// the roll: 576 dots on 80 mm paper), shown at its own size and scrolled inside the dialog.
import type { PrintJob } from '../../../src-main/api/contract/index.ts';
import { t } from '../../../src-main/common/i18n/index.ts';
import { useApi } from '../../app/api-context.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { useObjectUrl } from '../../components/FileView.tsx';
import { ErrorNotice } from '../../components/Notice.tsx';
import { documentName } from './print-model.ts';

export function SlipPreviewDialog({ job, onClose }: { job: PrintJob; onClose: () => void }) {
  const api = useApi();
  // A 补打's preview says 补打 with the time it is drawn; one load per opening is enough.
  const file = useObjectUrl(`slip-preview/${job.id}`, () => api.call('printing.preview', { jobId: job.id }));
  const params = { document: documentName(job), number: job.number };
  return (
    <Dialog title={t('printing.preview.title', params)} onClose={onClose} className="slip-dialog">
      {file.kind === 'loading' && (
        <p className="muted" role="status">
          {t('printing.preview.loading')}
        </p>
      )}
      {file.kind === 'failed' && <ErrorNotice message={file.message} />}
      {file.kind === 'ready' && (
        // Focusable, so the arrow keys scroll a long slip.
        <div className="slip-scroll" tabIndex={0} role="region" aria-label={t('printing.preview.region', params)}>
          <img className="slip-image" src={file.url} alt={t('printing.preview.image', params)} />
        </div>
      )}
    </Dialog>
  );
}
