import { type FormEvent, useId, useState } from 'react';
import { useApi } from '../auth/session';
import { MarkReviewedDocument, type ReviewFieldsFragment } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { ErrorMessage } from './messages';

/** "Mark reviewed" with a note: opens a small form in place; the review is recorded in the log by the API. */
export function ReviewButton({
  entryId,
  monitoringRunId = null,
  onReviewed,
}: {
  entryId: string;
  /** The monitoring run the review is for (a sample's entries). */
  monitoringRunId?: string | null;
  onReviewed(review: ReviewFieldsFragment): void;
}) {
  const { t } = useI18n();
  const api = useApi();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} aria-label={`${t('review.mark')}: ${t('col.entry')} ${entryId}`}>
        {t('review.mark')}
      </button>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const { data } = await api.run(MarkReviewedDocument, { entryId, note: note.trim(), monitoringRunId });
      setOpen(false);
      setNote('');
      onReviewed(data.markReviewed);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <form className="review-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor={`${id}-note`}>
        {t('review.note')} ({t('col.entry')} {entryId})
      </label>
      <textarea id={`${id}-note`} value={note} onChange={(e) => setNote(e.target.value)} required minLength={1} maxLength={2000} rows={3} aria-describedby={`${id}-help`} autoFocus />
      <p id={`${id}-help`} className="help">
        {t('review.noteHelp')}
      </p>
      <ErrorMessage error={error} />
      <div className="buttons">
        <button type="submit" disabled={saving || note.trim() === ''}>
          {t('common.save')}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
