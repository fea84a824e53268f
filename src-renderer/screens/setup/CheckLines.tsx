// A check report (common/doctor.ts) line by line: what was checked, green, amber or red
// with its word beside the colour, what was found and what to do, and the English detail
// for support. The same words as the terminal's `tongban doctor`.
import type { CheckReport } from '../../../src-main/common/doctor.ts';
import { t } from '../../../src-main/common/i18n/index.ts';

export function CheckLines({ report, label }: { report: CheckReport; label: string }) {
  return (
    <ul className="check-lines" aria-label={label}>
      {report.lines.map((line) => (
        <li key={line.id} className={`check-line check-${line.state}`} data-check={line.id} data-state={line.state}>
          <span className="check-state">
            <span className="health-dot" aria-hidden="true" />
            {t(`setupWizard.finalCheck.states.${line.state}`)}
          </span>
          <span className="check-label">{line.label}</span>
          <span className="check-message">{line.message}</span>
          {line.detail && <span className="check-detail mono">{line.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
