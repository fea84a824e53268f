// 今日队列: the clerk's home. Intake fills it in later issues.
import { EmptyState } from '../components/Notice.tsx';
import { t } from '../i18n/index.ts';

export function ClerkQueue() {
  return (
    <section className="area" aria-labelledby="area-queue">
      <h2 id="area-queue" tabIndex={-1}>
        {t('areas.queue')}
      </h2>
      <EmptyState title={t('queue.empty')} hint={t('queue.emptyHint')} />
    </section>
  );
}
