import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { useQuery } from '../api/use-query';
import { DayRange } from '../components/day-range';
import { EntryTable } from '../components/entry-table';
import { ErrorMessage, Loading, PartialNote, Status } from '../components/messages';
import { ReviewButton } from '../components/review-form';
import { isDay, periodOf } from '../days';
import { type ReviewQueueKind, ReviewQueueDocument } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { navigate, queryString } from '../router';

/** Within the API's cost budget (the queue is weighted): the newest 50; older ones by narrowing the days. */
const QUEUE_PAGE = 50;

export const QUEUES: ReviewQueueKind[] = ['EMERGENCY', 'OUTSIDE_CASELOAD', 'OUTSIDE_WORKING_HOURS', 'DENIED', 'HIGH_VOLUME'];

/** The review queues (seed 002, log monitoring): each entry can be marked reviewed with a note. */
export function QueuesView({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  const id = useId();
  const paramsKey = params.toString();
  const applied = useMemo(() => {
    const p = new URLSearchParams(paramsKey);
    const kind = (QUEUES as string[]).includes(p.get('kind') ?? '') ? (p.get('kind') as ReviewQueueKind) : 'EMERGENCY';
    return { kind, from: isDay(p.get('from')) ? p.get('from')! : '', to: isDay(p.get('to')) ? p.get('to')! : '', includeReviewed: p.get('includeReviewed') === 'true' };
  }, [paramsKey]);
  const [draft, setDraft] = useState(applied);
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => setDraft(applied), [applied]);
  const period = periodOf(applied.from, applied.to);
  const query = useQuery(ReviewQueueDocument, { kind: applied.kind, from: period.from, to: period.to, includeReviewed: applied.includeReviewed, first: QUEUE_PAGE });
  const go = (next: typeof draft) =>
    navigate(`/console/queues${queryString({ kind: next.kind, from: next.from, to: next.to, includeReviewed: next.includeReviewed ? 'true' : null })}`);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    go(draft);
  };
  const items = query.answer?.data.reviewQueue ?? [];
  return (
    <>
      <h1 tabIndex={-1}>{t('queues.title')}</h1>
      <form className="filters" onSubmit={submit} aria-label={t('queues.title')}>
        <fieldset className="segmented">
          <legend>{t('queues.kind')}</legend>
          {QUEUES.map((kind) => (
            <label key={kind}>
              <input
                type="radio"
                name={`${id}-kind`}
                value={kind}
                checked={draft.kind === kind}
                onChange={() => {
                  const next = { ...draft, kind };
                  setDraft(next);
                  // Choosing a queue shows it at once (arrow keys move between them).
                  go(next);
                }}
              />
              <span>{t(`enum.queue.${kind}`)}</span>
            </label>
          ))}
        </fieldset>
        <div className="filter-grid">
          <DayRange from={draft.from} to={draft.to} onChange={(p) => setDraft((d) => ({ ...d, ...p }))} />
          <div className="field field-check">
            <input id={`${id}-reviewed`} type="checkbox" checked={draft.includeReviewed} onChange={(e) => setDraft((d) => ({ ...d, includeReviewed: e.target.checked }))} />
            <label htmlFor={`${id}-reviewed`}>{t('queues.includeReviewed')}</label>
          </div>
        </div>
        <div className="buttons">
          <button type="submit">{t('queues.show')}</button>
        </div>
      </form>
      <section aria-labelledby={`${id}-queue`}>
        <h2 id={`${id}-queue`} tabIndex={-1}>
          {t(`enum.queue.${applied.kind}`)}
        </h2>
        <Status text={status} />
        <Loading when={query.loading} />
        <ErrorMessage error={query.error} />
        <PartialNote errors={query.answer?.errors} />
        {query.answer ? (
          items.length === 0 ? (
            <p>{t('queues.empty')}</p>
          ) : (
            <>
              <p className="count">{t('queues.count', { count: items.length })}</p>
              <EntryTable
                caption={t(`enum.queue.${applied.kind}`)}
                entries={items.map((i) => i.entry)}
                extra={{
                  headers: [t('col.why'), t('col.reviewed')],
                  cells: (entry, index) => {
                    const item = items[index]!;
                    return [
                      item.why,
                      <div className="review-cell" key="review">
                        {item.reviewed ? (
                          <p>
                            <span className="badge badge-ok">{t('review.reviewed')}</span>
                            {item.entry.reviews.at(-1) ? <span className="sub">{item.entry.reviews.at(-1)!.note}</span> : null}
                          </p>
                        ) : null}
                        <ReviewButton
                          entryId={entry.id}
                          onReviewed={() => {
                            setStatus(t('review.saved', { id: entry.id }));
                            query.refetch();
                            // The reviewed item leaves the queue with its button: keyboard focus goes back to the queue.
                            document.getElementById(`${id}-queue`)?.focus();
                          }}
                        />
                      </div>,
                    ];
                  },
                }}
              />
            </>
          )
        ) : null}
      </section>
    </>
  );
}
