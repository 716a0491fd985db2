import { useId } from 'react';
import { useI18n } from '../i18n/i18n';

/** Two Finnish days, `to` inclusive. */
export function DayRange({ from, to, onChange, required = false }: { from: string; to: string; onChange(next: { from: string; to: string }): void; required?: boolean }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-from`}>{t('common.from')}</label>
        <input id={`${id}-from`} type="date" value={from} max={to || undefined} required={required} onChange={(e) => onChange({ from: e.target.value, to })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-to`}>{t('common.to')}</label>
        <input id={`${id}-to`} type="date" value={to} min={from || undefined} required={required} onChange={(e) => onChange({ from, to: e.target.value })} />
      </div>
    </>
  );
}
