import { type FormEvent, useEffect, useId, useState } from 'react';
import { type ConsoleConfig, devToken, loadConfig } from '../auth/config';
import { CALLBACK_PATH, userManager } from '../auth/oidc';
import { useSession } from '../auth/session';
import { ErrorMessage, Loading } from '../components/messages';
import { useI18n } from '../i18n/i18n';
import { navigate } from '../router';

/**
 * Sign-in: the organisation's OIDC provider (authorization code + PKCE) when configured; in development
 * a demo persona (POST /console/dev-token, refused by a production gateway) or a pasted token.
 */
export function SignInView() {
  const { t } = useI18n();
  const { signIn, ended } = useSession();
  const id = useId();
  const [config, setConfig] = useState<ConsoleConfig | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [login, setLogin] = useState('dpo');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    loadConfig().then(
      async (loaded) => {
        if (!live) return;
        setConfig(loaded);
        // Back from the provider: finish the code exchange, then on to the console.
        if (loaded.oidc && location.pathname === CALLBACK_PATH) {
          try {
            const user = await userManager(loaded.oidc).signinRedirectCallback();
            signIn({ token: user.access_token, label: String(user.profile.name ?? user.profile.preferred_username ?? user.profile.sub), method: 'oidc' });
            navigate('/console/', { replace: true });
          } catch (e) {
            setError(new Error(t('signIn.failed', { reason: e instanceof Error ? e.message : String(e) })));
          }
        }
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
    // Once per mount: the provider's callback is handled once.
  }, []);

  const oidc = async () => {
    if (!config?.oidc) return;
    setBusy(true);
    try {
      await userManager(config.oidc).signinRedirect();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const dev = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      signIn({ token: await devToken(login), label: login, method: 'dev' });
    } catch (e) {
      setError(new Error(t('signIn.failed', { reason: e instanceof Error ? e.message : String(e) })));
    } finally {
      setBusy(false);
    }
  };
  const pasted = (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim().replace(/^Bearer\s+/i, '');
    if (value) signIn({ token: value, label: t('signIn.token'), method: 'token' });
  };

  return (
    <main id="main" className="sign-in">
      <h1 tabIndex={-1}>{t('signIn.title')}</h1>
      <p>{t('signIn.intro')}</p>
      {ended ? (
        <p className="message message-note" role="alert">
          {t('signIn.ended')}
        </p>
      ) : null}
      <ErrorMessage error={error} />
      <Loading when={!config && !error} />
      {config?.oidc ? (
        <p>
          <button type="button" onClick={() => void oidc()} disabled={busy}>
            {t('signIn.oidc')}
          </button>
        </p>
      ) : null}
      {config && !config.oidc && !config.devSignIn ? <p className="message message-note">{t('signIn.noMethod')}</p> : null}
      {config?.devSignIn ? (
        <>
          <form onSubmit={(e) => void dev(e)} className="card" aria-labelledby={`${id}-dev`}>
            <h2 id={`${id}-dev`}>{t('signIn.dev')}</h2>
            <p className="help">{t('signIn.devIntro')}</p>
            <div className="field">
              <label htmlFor={`${id}-persona`}>{t('signIn.persona')}</label>
              <select id={`${id}-persona`} value={login} onChange={(e) => setLogin(e.target.value)}>
                {config.devSignIn.personas.map((p) => (
                  <option key={p.login} value={p.login}>
                    {p.login} — {p.description}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" disabled={busy}>
              {t('signIn.devSubmit')}
            </button>
          </form>
          <form onSubmit={pasted} className="card" aria-labelledby={`${id}-token`}>
            <h2 id={`${id}-token`}>{t('signIn.token')}</h2>
            <div className="field">
              <label htmlFor={`${id}-token-value`}>{t('signIn.tokenLabel')}</label>
              <textarea id={`${id}-token-value`} value={token} onChange={(e) => setToken(e.target.value)} rows={3} spellCheck={false} autoComplete="off" />
            </div>
            <button type="submit" disabled={!token.trim()}>
              {t('signIn.tokenSubmit')}
            </button>
          </form>
        </>
      ) : null}
    </main>
  );
}
