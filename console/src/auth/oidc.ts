import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ConsoleConfig } from './config';

export const CALLBACK_PATH = '/console/callback';

/** Authorization code with PKCE; tokens kept for the tab only (sessionStorage), no silent renew in an iframe. */
export function userManager(oidc: NonNullable<ConsoleConfig['oidc']>): UserManager {
  return new UserManager({
    authority: oidc.authority,
    client_id: oidc.clientId,
    redirect_uri: `${location.origin}${CALLBACK_PATH}`,
    post_logout_redirect_uri: `${location.origin}/console/`,
    response_type: 'code',
    scope: oidc.scope,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
    automaticSilentRenew: false,
    monitorSession: false,
  });
}
