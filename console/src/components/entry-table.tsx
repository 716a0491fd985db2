import type { ReactNode } from 'react';
import type { EntryRowFragment } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { Link } from '../router';

export type EntryRow = EntryRowFragment & { client?: { displayName: string | null } | null };

export const entryPath = (entry: Pick<EntryRowFragment, 'id' | 'requestId'>) => `/console/entries/${encodeURIComponent(entry.requestId)}/${encodeURIComponent(entry.id)}`;

/** Log entries as a table with column headers; `extra` adds columns (a queue's why, its review). */
export function EntryTable({
  caption,
  entries,
  extra,
}: {
  caption: string;
  entries: readonly EntryRow[];
  extra?: { headers: string[]; cells(entry: EntryRow, index: number): ReactNode[] };
}) {
  const { t, dateTime } = useI18n();
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="entries">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('col.at')}</th>
            <th scope="col">{t('col.actor')}</th>
            <th scope="col">{t('col.unit')}</th>
            <th scope="col">{t('col.client')}</th>
            <th scope="col">{t('col.entity')}</th>
            <th scope="col">{t('col.action')}</th>
            <th scope="col">{t('col.outcome')}</th>
            <th scope="col">{t('col.categories')}</th>
            {extra?.headers.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries.map((e, index) => (
            <tr key={e.id} className={e.outcome === 'DENIED' ? 'denied' : e.emergency ? 'emergency' : undefined}>
              <th scope="row">
                <Link to={entryPath(e)} aria-label={`${t('col.entry')} ${e.id}, ${dateTime(e.at)}`}>
                  {dateTime(e.at)}
                </Link>
              </th>
              <td>
                {e.actorName ?? e.actorId}
                {e.actorRole ? <span className="sub">{e.actorRole}</span> : null}
              </td>
              <td>{e.unitName ?? e.organisationName ?? t('common.none')}</td>
              <td>{e.client?.displayName ?? (e.clientId ? <code>{e.clientId.slice(0, 8)}</code> : t('common.none'))}</td>
              <td>
                {e.entityType}
                {e.operationName ? <span className="sub">{e.operationName}</span> : null}
              </td>
              <td>
                {t(`enum.action.${e.action}`)}
                {e.intent !== 'VIEW' ? <span className="sub">{e.intent}</span> : null}
                {e.emergency ? <span className="badge badge-emergency">{t('col.emergency')}</span> : null}
              </td>
              <td>{e.outcome === 'DENIED' ? <span className="badge badge-denied">{t('enum.outcome.DENIED')}</span> : t('enum.outcome.ALLOWED')}</td>
              <td>{e.categories.map((c) => t(`enum.category.${c}`)).join(', ') || t('common.none')}</td>
              {extra?.cells(e, index).map((cell, i) => <td key={i}>{cell}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
