import { type KeyboardEvent, useId, useState } from 'react';
import { useApi } from '../auth/session';
import { FindActorsDocument, FindClientsDocument } from '../generated/graphql';
import { useI18n } from '../i18n/i18n';
import { ErrorMessage } from './messages';

interface Choice {
  id: string;
  label: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface PickerProps {
  legend: string;
  help: string;
  /** The chosen id, or null. */
  value: string | null;
  /** What to show for the chosen id (its name once chosen by name; else the id). */
  valueLabel: string | null;
  onChange(choice: Choice | null): void;
  find(text: string): Promise<Choice[]>;
  /** An id typed in as such is taken as it is (a client id): no look-up. */
  acceptsId?: boolean;
  /** Finding is allowed on an empty text (every actor). */
  allowEmpty?: boolean;
}

/** A person, chosen by name: type, search, choose one of the matches (buttons: keyboard and screen readers). */
function Picker({ legend, help, value, valueLabel, onChange, find, acceptsId = false, allowEmpty = false }: PickerProps) {
  const { t } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [matches, setMatches] = useState<Choice[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const search = async () => {
    const query = text.trim();
    if (acceptsId && UUID.test(query)) {
      onChange({ id: query.toLowerCase(), label: query.toLowerCase() });
      setMatches(null);
      setText('');
      return;
    }
    if (!query && !allowEmpty) return;
    setError(null);
    try {
      setMatches(await find(query));
    } catch (e) {
      setError(e);
    }
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      // Enter searches here; it does not submit the surrounding form.
      event.preventDefault();
      void search();
    }
  };
  return (
    <fieldset className="picker">
      <legend>{legend}</legend>
      {value ? (
        <p className="chosen">
          <span>{t('search.chosen', { name: valueLabel ?? value })}</span>{' '}
          <button type="button" className="link-button" onClick={() => onChange(null)} aria-label={`${t('common.clear')}: ${legend}`}>
            {t('common.clear')}
          </button>
        </p>
      ) : null}
      <div className="picker-row">
        <label htmlFor={`${id}-text`} className="visually-hidden">
          {legend}
        </label>
        <input id={`${id}-text`} type="search" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKey} aria-describedby={`${id}-help`} autoComplete="off" />
        <button type="button" onClick={() => void search()}>
          {t('common.search')}
        </button>
      </div>
      <p id={`${id}-help`} className="help">
        {help}
      </p>
      <ErrorMessage error={error} />
      {matches ? (
        matches.length === 0 ? (
          <p role="status">{t('search.noMatches')}</p>
        ) : (
          <ul className="matches" aria-label={`${t('search.matches')}: ${legend}`}>
            {matches.map((m) => (
              <li key={m.id}>
                <button
                  type="button"
                  onClick={() => {
                    onChange(m);
                    setMatches(null);
                    setText('');
                  }}
                >
                  {m.label}
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
    </fieldset>
  );
}

type Chosen = { value: string | null; valueLabel: string | null; onChange(choice: Choice | null): void };

export function ActorPicker(props: Chosen) {
  const { t } = useI18n();
  const api = useApi();
  const find = async (search: string) => {
    const { data } = await api.run(FindActorsDocument, { search: search || null, first: 20 });
    return data.auditActors.map((a) => ({
      id: a.id,
      label: [a.name ?? a.id, a.login ? `(${a.login})` : `(${t(`enum.actorKind.${a.kind}`)})`].join(' '),
    }));
  };
  return <Picker legend={t('search.actor')} help={t('search.actorHelp')} find={find} allowEmpty {...props} />;
}

export function ClientPicker(props: Chosen) {
  const { t } = useI18n();
  const api = useApi();
  const find = async (lastNamePrefix: string) => {
    const { data } = await api.run(FindClientsDocument, { lastNamePrefix });
    return data.clients.nodes.map((c) => ({ id: c.id, label: c.displayName ?? c.id }));
  };
  return <Picker legend={t('search.client')} help={t('search.clientHelp')} find={find} acceptsId {...props} />;
}
