// 办事指南: what the clerk tells an applicant before taking an application — time
// limits with their unit, fees case by case, visits, the result and its delivery, who
// does what under 收受分离, the process, 容缺受理 / 告知承诺, 特别程序 and the phones.
import type { ServiceItem } from '../../../src-main/common/catalog.ts';
import { t } from '../../../src-main/common/i18n/index.ts';

export function ItemGuide({ item }: { item: ServiceItem }) {
  const unit = t(`intake.guide.unit.${item.timeLimits.unit}`);
  const limits = item.timeLimits;
  const materialName = (id: string) => item.materials.find((m) => m.id === id)?.name ?? id;
  const waived = (entry: { materials: string[]; note?: string } | undefined) =>
    entry && [entry.materials.map(materialName).join('、'), entry.note].filter(Boolean).join('：');
  const tolerant = waived(item.tolerantAcceptance);
  const commitment = waived(item.notificationCommitment);

  return (
    // Focusable so a keyboard can scroll it (Tab from the search box, then the arrows).
    <section className="item-guide" aria-label={t('intake.guide.title')} tabIndex={0}>
      <h3>
        {item.name} <span className="badge">{t(`intake.guide.handling.${item.handling}`)}</span>
      </h3>
      <dl className="item-guide-facts">
        <dt>{t('intake.guide.timeLimits')}</dt>
        <dd>
          {item.handling === 'immediate'
            ? t('intake.guide.immediateValue', { legal: limits.legalDays, unit })
            : t('intake.guide.timeLimitsValue', { legal: limits.legalDays, committed: limits.committedDays, unit })}
        </dd>
        <dt>{t('intake.guide.fees')}</dt>
        <dd>
          {item.fees.items.length === 0 ? (
            item.fees.description
          ) : (
            <ul>
              {item.fees.items.map((fee, index) => (
                <li key={index}>
                  {t('intake.guide.fee', { name: fee.name, amount: fee.amountYuan })}
                  {fee.condition && t('intake.guide.feeCondition', { condition: fee.condition })}
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{t('intake.guide.visits')}</dt>
        <dd>{t('intake.guide.visitsValue', { visits: item.visits })}</dd>
        {item.result && (
          <>
            <dt>{t('intake.guide.result')}</dt>
            <dd>
              {item.result.name}（
              {item.result.delivery
                .map((d) => t(`intake.guide.delivery.${d}`))
                .join(t('intake.guide.deliverySeparator'))}
              ）
            </dd>
          </>
        )}
        <dt>{t('intake.guide.implementingAuthority')}</dt>
        <dd>{item.implementingAuthority}</dd>
        {item.contact && (
          <>
            <dt>{t('intake.guide.contact')}</dt>
            <dd>
              {t('intake.guide.contactValue', {
                consult: item.contact.consultPhone ?? t('intake.guide.none'),
                complaint: item.contact.complaintPhone ?? t('intake.guide.none'),
              })}
            </dd>
          </>
        )}
        {tolerant && (
          <>
            <dt>{t('intake.guide.tolerantAcceptance')}</dt>
            <dd>{tolerant}</dd>
          </>
        )}
        {commitment && (
          <>
            <dt>{t('intake.guide.notificationCommitment')}</dt>
            <dd>{commitment}</dd>
          </>
        )}
      </dl>
      {item.duties && (
        <div className="item-guide-duties">
          <GuideList title={t('intake.guide.windowDuties')} lines={item.duties.window} />
          <GuideList title={t('intake.guide.departmentDuties')} lines={item.duties.department} />
        </div>
      )}
      {item.process.length > 0 && <GuideList title={t('intake.guide.process')} lines={item.process} ordered />}
      {item.specialProcedures.length > 0 && (
        <GuideList
          title={t('intake.guide.specialProcedures')}
          lines={item.specialProcedures.map(
            (p) =>
              [p.name, p.description].filter(Boolean).join('：') +
              (p.maxDays ? t('intake.guide.specialProcedureDays', { days: p.maxDays }) : ''),
          )}
        />
      )}
    </section>
  );
}

function GuideList({ title, lines, ordered = false }: { title: string; lines: readonly string[]; ordered?: boolean }) {
  const items = lines.map((line, index) => <li key={index}>{line}</li>);
  return (
    <div className="item-guide-list">
      <h4>{title}</h4>
      {ordered ? <ol>{items}</ol> : <ul>{items}</ul>}
    </div>
  );
}
