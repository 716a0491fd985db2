import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { Bar, CartesianGrid, Cell, ComposedChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from '../api/use-query';
import { DayRange } from '../components/day-range';
import { ErrorMessage, Loading, PartialNote } from '../components/messages';
import { ActorPicker } from '../components/picker';
import { addDays, isDay, todayInFinland } from '../days';
import { type ActorActivityQuery, ActorActivityDocument } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { navigate, queryString } from '../router';

type Activity = ActorActivityQuery['actorActivity'];
type Metric = 'accesses' | 'distinctClients';

/** Colours with at least 4.5:1 contrast on white (bars, lines and their labels). */
const COLOURS = { bar: '#1d4ed8', above: '#b91c1c', band: '#dbeafe', median: '#1e3a8a', p90: '#92400e' };

/** Per-actor activity: accesses and distinct clients per Finnish day against the organisation's usual range. */
export function ActivityView({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  const id = useId();
  const today = todayInFinland();
  const paramsKey = params.toString();
  const applied = useMemo(() => {
    const p = new URLSearchParams(paramsKey);
    const to = isDay(p.get('to')) ? p.get('to')! : today;
    const from = isDay(p.get('from')) ? p.get('from')! : addDays(to, -27);
    return { actorId: p.get('actorId') ?? '', from, to };
  }, [paramsKey, today]);
  const [draft, setDraft] = useState(applied);
  const [actorLabel, setActorLabel] = useState<string | null>(null);
  const [hint, setHint] = useState(false);
  useEffect(() => setDraft(applied), [applied]);
  const query = useQuery(ActorActivityDocument, applied.actorId ? { actorId: applied.actorId, from: applied.from, to: applied.to } : null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setHint(!draft.actorId);
    if (draft.actorId) navigate(`/console/activity${queryString(draft)}`);
  };
  const activity = query.answer?.data.actorActivity;
  // Arrived by a link (an actor id in the address): the name comes with the activity.
  const chosenLabel = actorLabel ?? (activity && activity.actorId === draft.actorId ? activity.actorName : null);
  return (
    <>
      <h1 tabIndex={-1}>{t('activity.title')}</h1>
      <p className="intro">{t('activity.intro')}</p>
      <form className="filters" onSubmit={submit} aria-label={t('activity.title')}>
        <div className="filter-grid">
          <ActorPicker
            value={draft.actorId || null}
            valueLabel={chosenLabel}
            onChange={(a) => {
              setDraft((d) => ({ ...d, actorId: a?.id ?? '' }));
              setActorLabel(a?.label ?? null);
            }}
          />
          <DayRange from={draft.from} to={draft.to} required onChange={(p) => setDraft((d) => ({ ...d, ...p }))} />
        </div>
        <div className="buttons">
          <button type="submit">{t('activity.submit')}</button>
        </div>
        {hint ? (
          <p className="message message-note" role="alert">
            {t('activity.chooseActor')}
          </p>
        ) : null}
      </form>
      <Loading when={query.loading} />
      <ErrorMessage error={query.error} />
      <PartialNote errors={query.answer?.errors} />
      {activity ? (
        <section aria-labelledby={`${id}-charts`}>
          <h2 id={`${id}-charts`}>{activity.actorName ?? activity.actorId}</h2>
          <ActivityChart id="accesses-chart" activity={activity} metric="accesses" />
          <ActivityChart id="clients-chart" activity={activity} metric="distinctClients" />
          <details className="table-alternative">
            <summary>{t('common.showTable')}</summary>
            <ActivityTable activity={activity} />
          </details>
        </section>
      ) : null}
    </>
  );
}

function ActivityChart({ id, activity, metric }: { id: string; activity: Activity; metric: Metric }) {
  const { t, day, number } = useI18n();
  const { usual, days } = activity;
  const median = metric === 'accesses' ? usual.accessesMedian : usual.distinctClientsMedian;
  const p90 = metric === 'accesses' ? usual.accessesP90 : usual.distinctClientsP90;
  const values = days.map((d) => d[metric]);
  const peak = Math.max(0, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  const title = metric === 'accesses' ? t('activity.accessesChart') : t('activity.clientsChart');
  const summary =
    metric === 'accesses'
      ? t('activity.summary', {
          name: activity.actorName ?? activity.actorId,
          total,
          peak,
          days: days.length,
          median: number(median),
          p90: number(p90),
          actorDays: usual.actorDays,
        })
      : t('activity.summaryClients', { peak, median: number(median), p90: number(p90) });
  const label = metric === 'accesses' ? t('col.accesses') : t('col.clients');
  return (
    <figure id={id} className="chart" aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`}>
      <figcaption>
        <h3 id={`${id}-title`}>{title}</h3>
        <p id={`${id}-summary`}>{summary}</p>
        <p className="legend" aria-hidden="true">
          <span className="swatch swatch-band" /> {t('activity.usual')} · <span className="swatch swatch-above" /> {t('activity.above')}
        </p>
      </figcaption>
      {/* The picture is for the eye: the summary above and the table below say the same in text. */}
      <div className="chart-area" aria-hidden="true">
        {/* The right margin holds the lines' labels, so that no bar covers them. */}
        <ResponsiveContainer width="100%" height={260}>
          <ComposedChart data={days} margin={{ top: 16, right: 150, bottom: 8, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="#d1d5db" />
            <XAxis dataKey="day" tickFormatter={(v: string) => day(v)} stroke="#374151" minTickGap={24} />
            <YAxis allowDecimals={false} stroke="#374151" />
            <Tooltip labelFormatter={(v) => day(String(v))} formatter={(v) => [String(v), label]} />
            <ReferenceArea y1={median} y2={p90} fill={COLOURS.band} fillOpacity={0.8} ifOverflow="extendDomain" />
            <ReferenceLine y={median} stroke={COLOURS.median} strokeDasharray="6 4" label={{ value: t('activity.median', { value: number(median) }), position: 'right', fill: COLOURS.median }} />
            <ReferenceLine y={p90} stroke={COLOURS.p90} strokeDasharray="2 3" label={{ value: t('activity.p90', { value: number(p90) }), position: 'right', fill: COLOURS.p90 }} />
            <Bar dataKey={metric} name={label} isAnimationActive={false}>
              {days.map((d) => (
                <Cell key={d.day} fill={d[metric] > p90 ? COLOURS.above : COLOURS.bar} />
              ))}
            </Bar>
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function ActivityTable({ activity }: { activity: Activity }) {
  const { t, day } = useI18n();
  const { usual } = activity;
  return (
    <table className="activity-table">
      <caption>{activity.actorName ?? activity.actorId}</caption>
      <thead>
        <tr>
          <th scope="col">{t('col.day')}</th>
          <th scope="col">{t('col.accesses')}</th>
          <th scope="col">{t('col.clients')}</th>
        </tr>
      </thead>
      <tbody>
        {activity.days.map((d) => (
          <tr key={d.day}>
            <th scope="row">{day(d.day)}</th>
            <td className={d.accesses > usual.accessesP90 ? 'above' : undefined}>
              {d.accesses}
              {d.accesses > usual.accessesP90 ? <span className="visually-hidden"> ({t('activity.above')})</span> : null}
            </td>
            <td className={d.distinctClients > usual.distinctClientsP90 ? 'above' : undefined}>
              {d.distinctClients}
              {d.distinctClients > usual.distinctClientsP90 ? <span className="visually-hidden"> ({t('activity.above')})</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
