/** What the gateway tells the console about signing in (GET /console/config.json). */
export interface ConsoleConfig {
  /** OIDC authorization code + PKCE, when CONSOLE_OIDC_* is configured. */
  oidc: { authority: string; clientId: string; scope: string } | null;
  /** Development only (never in production): personas that POST /console/dev-token signs tokens for. */
  devSignIn: { personas: { login: string; description: string }[] } | null;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}

export async function devToken(login: string): Promise<string> {
  const response = await fetch('/console/dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ login }),
  });
  const body = (await response.json().catch(() => null)) as { token?: string; errors?: { message: string }[] } | null;
  if (!response.ok || !body?.token) throw new Error(body?.errors?.[0]?.message ?? `HTTP ${response.status}`);
  return body.token;
}
