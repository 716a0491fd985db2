import { useState } from 'react';
import { useQuery } from '../api/use-query';
import { EntryTable } from '../components/entry-table';
import { ErrorMessage, Loading, PartialNote, Status } from '../components/messages';
import { ReviewButton } from '../components/review-form';
import { addDays, todayInFinland } from '../days';
import { EntryDetailDocument } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { Link, queryString } from '../router';

/** One entry with everything the log holds on it, its reviews, and the other entries of its request. */
export function EntryView({ requestId, entryId }: { requestId: string; entryId: string }) {
  const { t, dateTime } = useI18n();
  const query = useQuery(EntryDetailDocument, { requestId });
  const [status, setStatus] = useState<string | null>(null);
  const entries = query.answer?.data.auditEntries.nodes ?? [];
  const entry = entries.find((e) => e.id === entryId);
  const none = t('common.none');
  const today = todayInFinland();

  return (
    <>
      <h1 tabIndex={-1}>{t('detail.title', { id: entryId })}</h1>
      <p>
        <Link
          to="/console/"
          onClick={(e) => {
            // Back to the search as it was (its filters are in the address); a fresh tab goes to a new search.
            if (history.length > 1) {
              e.preventDefault();
              history.back();
            }
          }}
        >
          {t('common.back')}
        </Link>
      </p>
      <Loading when={query.loading} />
      <ErrorMessage error={query.error} />
      <PartialNote errors={query.answer?.errors} />
      {query.answer && !entry ? <p>{t('detail.notFound')}</p> : null}
      {entry ? (
        <>
          <section aria-labelledby="entry-heading">
            <h2 id="entry-heading">{t('detail.entry')}</h2>
            <dl className="details">
              <dt>{t('detail.id')}</dt>
              <dd>{entry.id}</dd>
              <dt>{t('col.at')}</dt>
              <dd>{dateTime(entry.at)}</dd>
              <dt>{t('col.actor')}</dt>
              <dd>
                {entry.actorName ?? none} <span className="sub">({t(`enum.actorKind.${entry.actorKind}`)}, {entry.actorId})</span>{' '}
                <Link to={`/console/activity${queryString({ actorId: entry.actorId, from: addDays(today, -27), to: today })}`}>{t('detail.activity')}</Link>
              </dd>
              <dt>{t('col.role')}</dt>
              <dd>{entry.actorRole ?? none}</dd>
              <dt>{t('col.organisation')}</dt>
              <dd>{entry.organisationName ?? entry.organisationId ?? none}</dd>
              <dt>{t('col.unit')}</dt>
              <dd>{entry.unitName ?? entry.unitId ?? none}</dd>
              <dt>{t('col.client')}</dt>
              <dd>
                {entry.client?.displayName ?? none} {entry.clientId ? <code>{entry.clientId}</code> : null}
              </dd>
              <dt>{t('detail.entityType')}</dt>
              <dd>{entry.entityType}</dd>
              <dt>{t('detail.entityId')}</dt>
              <dd>{entry.entityId ? <code>{entry.entityId}</code> : none}</dd>
              <dt>{t('col.action')}</dt>
              <dd>{t(`enum.action.${entry.action}`)}</dd>
              <dt>{t('col.outcome')}</dt>
              <dd>{t(`enum.outcome.${entry.outcome}`)}</dd>
              <dt>{t('col.intent')}</dt>
              <dd>{entry.intent}</dd>
              <dt>{t('detail.fields')}</dt>
              <dd>{entry.fields.length ? entry.fields.join(', ') : none}</dd>
              <dt>{t('col.categories')}</dt>
              <dd>{entry.categories.length ? entry.categories.map((c) => t(`enum.category.${c}`)).join(', ') : none}</dd>
              <dt>{t('col.purpose')}</dt>
              <dd>{entry.purpose ?? none}</dd>
              <dt>{t('col.emergency')}</dt>
              <dd>{entry.emergency ? <span className="badge badge-emergency">{t('common.yes')}</span> : t('common.no')}</dd>
              <dt>{t('detail.reason')}</dt>
              <dd>{entry.reason ?? none}</dd>
              <dt>{t('detail.callerAddress')}</dt>
              <dd>{entry.callerAddress ?? none}</dd>
              <dt>{t('detail.requestId')}</dt>
              <dd>
                <code>{entry.requestId}</code>
              </dd>
              <dt>{t('detail.operation')}</dt>
              <dd>{entry.operationName ?? none}</dd>
              <dt>{t('detail.subgraph')}</dt>
              <dd>{entry.subgraph}</dd>
            </dl>
          </section>
          <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">{t('detail.reviews')}</h2>
            {entry.reviews.length === 0 ? (
              <p>{t('detail.noReviews')}</p>
            ) : (
              <ul className="reviews">
                {entry.reviews.map((r) => (
                  <li key={r.id}>
                    <p className="review-note">{r.note}</p>
                    <p className="sub">
                      {t('detail.reviewBy', { who: r.reviewerName ?? r.reviewerId, at: dateTime(r.reviewedAt) })}
                      {r.monitoringRunId ? ` · ${t('detail.run', { id: r.monitoringRunId })}` : ''}
                    </p>
                  </li>
                ))}
              </ul>
            )}
            <ReviewButton
              entryId={entry.id}
              onReviewed={() => {
                setStatus(t('review.saved', { id: entry.id }));
                query.refetch();
              }}
            />
            <Status text={status} />
          </section>
          {entries.length > 1 ? (
            <section aria-labelledby="same-request-heading">
              <h2 id="same-request-heading">{t('detail.sameRequest')}</h2>
              <EntryTable caption={t('detail.sameRequest')} entries={entries.filter((e) => e.id !== entry.id)} />
            </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}
