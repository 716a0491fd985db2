import { ApiError, type ApiErrorInfo } from '../api/graphql';
import { useI18n } from '../i18n/i18n';

/** A failure as a person can read it: the API's reason (never a stack), or that the register cannot be reached. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const text = error instanceof ApiError && error.code === 'NETWORK' ? t('error.network') : error instanceof Error ? error.message : String(error);
  return (
    <div className="message message-error" role="alert">
      <strong>{t('error.title')}:</strong> {text}
    </div>
  );
}

/** Errors next to data (a field the auditor may not read): the rest of the answer is shown. */
export function PartialNote({ errors }: { errors: readonly ApiErrorInfo[] | undefined }) {
  const { t } = useI18n();
  const first = errors?.[0];
  if (!first) return null;
  return (
    <p className="message message-note" role="note">
      {t('common.partial', { reason: first.message })}
    </p>
  );
}

/** Polite announcements (saved, downloaded) for screen readers and sighted users alike. */
export function Status({ text }: { text: string | null }) {
  return (
    <p className="message message-status" role="status" aria-live="polite">
      {text ?? ''}
    </p>
  );
}

export function Loading({ when }: { when: boolean }) {
  const { t } = useI18n();
  return when ? (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  ) : null;
}
