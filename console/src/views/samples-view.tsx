import { type FormEvent, useId, useState } from 'react';
import { useQuery } from '../api/use-query';
import { useApi } from '../auth/session';
import { DayRange } from '../components/day-range';
import { EntryTable } from '../components/entry-table';
import { ErrorMessage, Loading, PartialNote, Status } from '../components/messages';
import { ReviewButton } from '../components/review-form';
import { addDays, periodOf, todayInFinland } from '../days';
import { MonitoringRunEntriesDocument, MonitoringRunsDocument, type ReviewFieldsFragment, type StartSampleReviewMutation, StartSampleReviewDocument } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';

type Run = StartSampleReviewMutation['startSampleReview'];

const randomSeed = () => 1 + Math.floor(Math.random() * 999_999);

/** Random-sample monitoring: draw a reproducible sample (a recorded monitoring run), then review its entries. */
export function SamplesView() {
  const { t, dateTime } = useI18n();
  const api = useApi();
  const id = useId();
  const today = todayInFinland();
  const [form, setForm] = useState({ seed: String(randomSeed()), size: '20', from: addDays(today, -29), to: today });
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const runs = useQuery(MonitoringRunsDocument, { first: 20 });

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const period = periodOf(form.from, form.to);
      const { data } = await api.run(StartSampleReviewDocument, { seed: Number(form.seed), size: Number(form.size), from: period.from!, to: period.to! });
      setRun(data.startSampleReview);
      runs.refetch();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  /** Runs have no look-up by id: the newest `index + 1` runs, with entries, and the last of them. */
  const open = async (index: number) => {
    setError(null);
    try {
      const { data } = await api.run(MonitoringRunEntriesDocument, { first: index + 1 });
      setRun(data.monitoringRuns[index] ?? null);
    } catch (e) {
      setError(e);
    }
  };
  /** The review is on the entry now: count it in the run shown, and refresh the list of runs. */
  const reviewed = (review: ReviewFieldsFragment) => {
    setRun((current) => {
      if (!current) return current;
      const first = current.entries.find((e) => e.id === review.entryId)?.reviews.length === 0;
      return {
        ...current,
        reviewedCount: current.reviewedCount + (first ? 1 : 0),
        entries: current.entries.map((e) => (e.id === review.entryId ? { ...e, reviews: [...e.reviews, review] } : e)),
      };
    });
    runs.refetch();
  };

  return (
    <>
      <h1 tabIndex={-1}>{t('samples.title')}</h1>
      <p className="intro">{t('samples.intro')}</p>
      <form className="filters" onSubmit={(e) => void start(e)} aria-label={t('samples.title')}>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor={`${id}-seed`}>{t('samples.seed')}</label>
            <div className="picker-row">
              <input id={`${id}-seed`} type="number" inputMode="numeric" min={0} max={2147483647} step={1} required value={form.seed} onChange={(e) => setForm((f) => ({ ...f, seed: e.target.value }))} />
              <button type="button" className="secondary" onClick={() => setForm((f) => ({ ...f, seed: String(randomSeed()) }))}>
                {t('samples.newSeed')}
              </button>
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${id}-size`}>{t('samples.size')}</label>
            <input id={`${id}-size`} type="number" inputMode="numeric" min={1} max={1000} step={1} required value={form.size} onChange={(e) => setForm((f) => ({ ...f, size: e.target.value }))} />
          </div>
          <DayRange from={form.from} to={form.to} required onChange={(p) => setForm((f) => ({ ...f, ...p }))} />
        </div>
        <div className="buttons">
          <button type="submit" disabled={busy}>
            {t('samples.start')}
          </button>
        </div>
      </form>
      <ErrorMessage error={error} />
      <Status text={status} />
      {run ? (
        <section aria-labelledby={`${id}-run`} className="run">
          <h2 id={`${id}-run`}>{t('samples.run', { at: dateTime(run.startedAt), seed: run.seed, size: run.size, reviewed: run.reviewedCount })}</h2>
          <dl className="details">
            <dt>{t('samples.startedBy')}</dt>
            <dd>{run.startedByName ?? run.startedBy}</dd>
            <dt>{t('samples.period')}</dt>
            <dd>
              {dateTime(run.from)} – {dateTime(run.to)}
            </dd>
          </dl>
          <p className="count">{t('samples.progress', { reviewed: run.reviewedCount, total: run.entries.length })}</p>
          <EntryTable
            caption={t('samples.entries')}
            entries={run.entries}
            extra={{
              headers: [t('col.reviewed')],
              cells: (entry) => [
                <div className="review-cell" key="review">
                  {run.entries.find((e) => e.id === entry.id)?.reviews.length ? <span className="badge badge-ok">{t('review.reviewed')}</span> : null}
                  <ReviewButton
                    entryId={entry.id}
                    monitoringRunId={run.id}
                    onReviewed={(review) => {
                      setStatus(t('review.saved', { id: entry.id }));
                      reviewed(review);
                    }}
                  />
                </div>,
              ],
            }}
          />
        </section>
      ) : null}
      <section aria-labelledby={`${id}-runs`}>
        <h2 id={`${id}-runs`}>{t('samples.runs')}</h2>
        <Loading when={runs.loading} />
        <ErrorMessage error={runs.error} />
        <PartialNote errors={runs.answer?.errors} />
        {runs.answer && runs.answer.data.monitoringRuns.length === 0 ? <p>{t('samples.noRuns')}</p> : null}
        <ul className="runs">
          {runs.answer?.data.monitoringRuns.map((r, index) => (
            <li key={r.id}>
              <button type="button" className="link-button" onClick={() => void open(index)} aria-current={r.id === run?.id ? 'true' : undefined}>
                {t('samples.run', { at: dateTime(r.startedAt), seed: r.seed, size: r.size, reviewed: r.reviewedCount })}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
