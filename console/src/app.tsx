import { type ReactNode, useEffect, useRef } from 'react';
import { ApiError } from './api/graphql';
import { useQuery } from './api/use-query';
import { useSession } from './auth/session';
import { ErrorMessage, Loading } from './components/messages';
import { ConsoleContext } from './console-context';
import { ConsoleSessionDocument } from './generated/graphql';
import { LANGS } from './i18n/dictionary';
import { useI18n } from './i18n/i18n';
import { Link, useLocation } from './router';
import { ActivityView } from './views/activity-view';
import { EntryView } from './views/entry-view';
import { QueuesView } from './views/queues-view';
import { SamplesView } from './views/samples-view';
import { SearchView } from './views/search-view';
import { SignInView } from './views/sign-in-view';

const LANGUAGE_NAMES = { fi: 'Suomi', en: 'English' } as const;

export function App() {
  const { session } = useSession();
  return <Frame>{session ? <Console /> : <SignInView />}</Frame>;
}

/** The page around every view: skip link, the console's name, language switch; focus to the heading on a view change. */
function Frame({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const { path } = useLocation();
  const shown = useRef(path);
  useEffect(() => {
    // On a view change (not the first page load: the skip link comes first), a screen reader hears the
    // new view's heading and keyboard focus starts from it.
    if (shown.current === path) return;
    shown.current = path;
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [path]);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="banner">
        <p className="app-name">{t('app.name')}</p>
        <div role="group" aria-label={t('app.language')} className="languages">
          {LANGS.map((l) => (
            <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)} className="language">
              {LANGUAGE_NAMES[l]}
            </button>
          ))}
        </div>
      </header>
      {children}
    </>
  );
}

/** Signed in: the API says whether the log is open to this user (a refusal is logged there), then the views. */
function Console() {
  const { t } = useI18n();
  const { session, signOut } = useSession();
  const { path, params } = useLocation();
  const access = useQuery(ConsoleSessionDocument, {});
  const out = () => {
    for (const key of Object.keys(sessionStorage)) if (key.startsWith('oidc.')) sessionStorage.removeItem(key);
    signOut();
  };
  const signOutButton = (
    <button type="button" className="secondary" onClick={out}>
      {t('app.signOut')}
    </button>
  );
  if (access.loading || (!access.answer && !access.error)) {
    return (
      <main id="main">
        <Loading when />
      </main>
    );
  }
  if (!access.answer) {
    const refused = access.error instanceof ApiError && access.error.code === 'FORBIDDEN';
    return (
      <main id="main" className="refused">
        {refused ? (
          <>
            <h1 tabIndex={-1}>{t('refused.title')}</h1>
            <p>{t('refused.body')}</p>
            <p className="sub">{t('refused.reason', { reason: (access.error as ApiError).message })}</p>
          </>
        ) : (
          <>
            <h1 tabIndex={-1}>{t('error.title')}</h1>
            <ErrorMessage error={access.error} />
          </>
        )}
        {signOutButton}
      </main>
    );
  }
  const me = access.answer.data.me;
  const views = [
    { to: '/console/', label: t('nav.search'), current: path === '/' || path.startsWith('/entries/') },
    { to: '/console/activity', label: t('nav.activity'), current: path === '/activity' },
    { to: '/console/queues', label: t('nav.queues'), current: path === '/queues' },
    { to: '/console/samples', label: t('nav.samples'), current: path === '/samples' },
  ];
  return (
    <ConsoleContext.Provider value={access.answer.data}>
      <div className="session-bar">
        <nav aria-label={t('nav.label')}>
          <ul>
            {views.map((v) => (
              <li key={v.to}>
                <Link to={v.to} aria-current={v.current ? 'page' : undefined}>
                  {v.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <p className="who">
          {t('app.signedInAs', { who: `${me.login ?? session?.label ?? me.id} (${me.grants.map((g) => g.role).join(', ')})` })} {signOutButton}
        </p>
      </div>
      <main id="main">
        <View path={path} params={params} />
      </main>
    </ConsoleContext.Provider>
  );
}

function View({ path, params }: { path: string; params: URLSearchParams }) {
  const entry = /^\/entries\/([^/]+)\/([^/]+)$/.exec(path);
  if (entry) return <EntryView requestId={decodeURIComponent(entry[1]!)} entryId={decodeURIComponent(entry[2]!)} />;
  if (path === '/activity') return <ActivityView params={params} />;
  if (path === '/queues') return <QueuesView params={params} />;
  if (path === '/samples') return <SamplesView />;
  return <SearchView params={params} />;
}
