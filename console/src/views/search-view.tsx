import { type FormEvent, useEffect, useId, useMemo, useState } from 'react';
import { useQuery } from '../api/use-query';
import { useApi } from '../auth/session';
import { DayRange } from '../components/day-range';
import { EntryTable, type EntryRow } from '../components/entry-table';
import { ErrorMessage, Loading, PartialNote, Status } from '../components/messages';
import { ActorPicker, ClientPicker } from '../components/picker';
import { useConsole } from '../console-context';
import { isDay, periodOf } from '../days';
import { openPendingWindow, saveBlob } from '../downloads';
import { type AuditAction, type AuditFilter, type AuditOutcome, type SensitiveCategory, SearchEntriesDocument } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { navigate, queryString } from '../router';

export const CATEGORIES: SensitiveCategory[] = ['IDENTITY', 'PERSONAL_ID', 'CONTACT', 'FAMILY', 'WELFARE', 'HEALTH', 'CASE_RECORD', 'FINANCIAL'];
const ACTIONS: AuditAction[] = ['READ', 'CREATE', 'UPDATE', 'DELETE', 'PRINT', 'EXPORT', 'DISCLOSE'];
const OUTCOMES: AuditOutcome[] = ['ALLOWED', 'DENIED'];
const PAGE = 50;

/** Every field of AuditFilter, as kept in the address (days for from/to, `to` inclusive). */
const KEYS = ['clientId', 'actorId', 'unitId', 'category', 'action', 'outcome', 'from', 'to', 'purpose', 'requestId'] as const;
type Draft = Record<(typeof KEYS)[number], string>;

const draftOf = (params: URLSearchParams): Draft => Object.fromEntries(KEYS.map((k) => [k, params.get(k) ?? ''])) as Draft;

/** The API's filter from the address: only what is set; days become [from, to) instants in Finnish time. */
export function filterOf(draft: Draft): AuditFilter {
  const period = periodOf(isDay(draft.from) ? draft.from : '', isDay(draft.to) ? draft.to : '');
  const filter: AuditFilter = {};
  if (draft.clientId) filter.clientId = draft.clientId;
  if (draft.actorId) filter.actorId = draft.actorId;
  if (draft.unitId) filter.unitId = draft.unitId;
  if (draft.category) filter.category = draft.category as SensitiveCategory;
  if (draft.action) filter.action = draft.action as AuditAction;
  if (draft.outcome) filter.outcome = draft.outcome as AuditOutcome;
  if (period.from) filter.from = period.from;
  if (period.to) filter.to = period.to;
  if (draft.purpose.trim()) filter.purpose = draft.purpose.trim();
  if (draft.requestId.trim()) filter.requestId = draft.requestId.trim();
  return filter;
}

export function SearchView({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  const api = useApi();
  const { auditUnits } = useConsole();
  const id = useId();
  // The address is the search: a new params object each render, so compare its text.
  const paramsKey = params.toString();
  const applied = useMemo(() => draftOf(new URLSearchParams(paramsKey)), [paramsKey]);
  const [draft, setDraft] = useState<Draft>(applied);
  const [labels, setLabels] = useState<{ client: string | null; actor: string | null }>({ client: null, actor: null });
  const filter = useMemo(() => filterOf(applied), [applied]);
  const query = useQuery(SearchEntriesDocument, { filter, first: PAGE });
  /** Pages after the first: `cursor` undefined until one was loaded, then null at the end. */
  const [more, setMore] = useState<{ rows: EntryRow[]; cursor?: string | null; error: unknown }>({ rows: [], error: null });
  const [status, setStatus] = useState<string | null>(null);
  const [fileError, setFileError] = useState<unknown>(null);

  // A new search (the address changed): the form shows it, extra pages are dropped.
  useEffect(() => {
    setDraft(applied);
    setMore({ rows: [], error: null });
  }, [applied]);

  const connection = query.answer?.data.auditEntries;
  const rows = [...(connection?.nodes ?? []), ...more.rows];
  const cursor = more.cursor === undefined ? (connection?.pageInfo.endCursor ?? null) : more.cursor;
  const hasMore = more.cursor === undefined ? (connection?.pageInfo.hasNextPage ?? false) : more.cursor !== null;

  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(`/console/${queryString(draft)}`);
  };
  const loadMore = async () => {
    try {
      const { data } = await api.run(SearchEntriesDocument, { filter, first: PAGE, after: cursor });
      const page = data.auditEntries;
      setMore((m) => ({ rows: [...m.rows, ...page.nodes], cursor: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null, error: null }));
    } catch (error) {
      setMore((m) => ({ ...m, error }));
    }
  };
  const exportCsv = async () => {
    setFileError(null);
    try {
      const params = Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)]));
      const blob = await api.file(`/exports/audit-entries.csv${queryString({ ...params, first: '10000' })}`, 'text/csv');
      saveBlob(blob, 'audit-entries.csv');
      setStatus(t('search.exported', { file: 'audit-entries.csv' }));
    } catch (error) {
      setFileError(error);
    }
  };
  const openExtract = async () => {
    setFileError(null);
    const pending = openPendingWindow();
    if (!pending) return setStatus(t('search.popupBlocked'));
    try {
      const blob = await api.file(`/documents/client-access-report/${encodeURIComponent(applied.clientId)}`, 'text/html');
      pending.show(blob);
      setStatus(t('search.extractOpened'));
    } catch (error) {
      pending.close();
      setFileError(error);
    }
  };

  const organisations = [...new Set(auditUnits.map((u) => u.organisationName))];
  return (
    <>
      <h1 tabIndex={-1}>{t('search.title')}</h1>
      <form className="filters" onSubmit={submit} aria-labelledby={`${id}-filters`}>
        <h2 id={`${id}-filters`}>{t('search.filters')}</h2>
        <div className="filter-grid">
          <ClientPicker
            value={draft.clientId || null}
            valueLabel={labels.client}
            onChange={(c) => {
              set('clientId')(c?.id ?? '');
              setLabels((l) => ({ ...l, client: c?.label ?? null }));
            }}
          />
          <ActorPicker
            value={draft.actorId || null}
            valueLabel={labels.actor}
            onChange={(a) => {
              set('actorId')(a?.id ?? '');
              setLabels((l) => ({ ...l, actor: a?.label ?? null }));
            }}
          />
          <div className="field">
            <label htmlFor={`${id}-unit`}>{t('search.unit')}</label>
            <select id={`${id}-unit`} value={draft.unitId} onChange={(e) => set('unitId')(e.target.value)}>
              <option value="">{t('common.any')}</option>
              {organisations.map((org) => (
                <optgroup key={org} label={org}>
                  {auditUnits
                    .filter((u) => u.organisationName === org)
                    .map((u) => (
                      <option key={u.id} value={u.id}>
                        {u.name}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-category`}>{t('search.category')}</label>
            <select id={`${id}-category`} value={draft.category} onChange={(e) => set('category')(e.target.value)}>
              <option value="">{t('common.any')}</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`enum.category.${c}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-action`}>{t('search.action')}</label>
            <select id={`${id}-action`} value={draft.action} onChange={(e) => set('action')(e.target.value)}>
              <option value="">{t('common.any')}</option>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t(`enum.action.${a}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-outcome`}>{t('search.outcome')}</label>
            <select id={`${id}-outcome`} value={draft.outcome} onChange={(e) => set('outcome')(e.target.value)}>
              <option value="">{t('common.any')}</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {t(`enum.outcome.${o}`)}
                </option>
              ))}
            </select>
          </div>
          <DayRange from={draft.from} to={draft.to} onChange={(p) => setDraft((d) => ({ ...d, ...p }))} />
          <div className="field">
            <label htmlFor={`${id}-purpose`}>{t('search.purpose')}</label>
            <input id={`${id}-purpose`} value={draft.purpose} onChange={(e) => set('purpose')(e.target.value)} aria-describedby={`${id}-purpose-help`} />
            <p id={`${id}-purpose-help`} className="help">
              {t('search.purposeHelp')}
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-request`}>{t('search.requestId')}</label>
            <input id={`${id}-request`} value={draft.requestId} onChange={(e) => set('requestId')(e.target.value)} spellCheck={false} />
          </div>
        </div>
        <div className="buttons">
          <button type="submit">{t('search.submit')}</button>
          <button type="button" className="secondary" onClick={() => navigate('/console/')}>
            {t('search.reset')}
          </button>
        </div>
      </form>

      <section aria-labelledby={`${id}-results`}>
        <h2 id={`${id}-results`}>{t('search.results')}</h2>
        <div className="buttons">
          <button type="button" onClick={() => void exportCsv()} disabled={!connection}>
            {t('search.export')}
          </button>
          {applied.clientId ? (
            <button type="button" onClick={() => void openExtract()}>
              {t('search.extract')}
            </button>
          ) : null}
        </div>
        <Status text={status} />
        <ErrorMessage error={fileError} />
        <Loading when={query.loading} />
        <ErrorMessage error={query.error} />
        <PartialNote errors={query.answer?.errors} />
        {connection ? (
          connection.totalCount === 0 ? (
            <p>{t('search.noResults')}</p>
          ) : (
            <>
              <p className="count" aria-live="polite">
                {t('search.count', { shown: rows.length, total: connection.totalCount })}
              </p>
              <EntryTable caption={t('search.results')} entries={rows} />
              <ErrorMessage error={more.error} />
              {hasMore ? (
                <button type="button" onClick={() => void loadMore()}>
                  {t('search.more')}
                </button>
              ) : null}
            </>
          )
        ) : null}
      </section>
    </>
  );
}
