import type { Provider } from 'next-auth/providers';
import { env, type Env } from '@/server/env';

export const OIDC_PROVIDER_ID = 'oidc';

type OidcEnv = Pick<Env, 'OIDC_ISSUER' | 'OIDC_CLIENT_ID' | 'OIDC_CLIENT_SECRET'>;

/** Single sign-on is offered only when all three variables are set. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export function oidcSettings(source: OidcEnv = env()): OidcSettings | null {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = source;
  if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return null;
  return { issuer: OIDC_ISSUER, clientId: OIDC_CLIENT_ID, clientSecret: OIDC_CLIENT_SECRET };
}

/**
 * A generic OpenID Connect provider (discovery from the issuer) with PKCE, state and nonce checks. Who may sign in
 * through it is decided in the signIn callback: an enabled staff user with the same (verified) email.
 */
export function oidcProviders(settings = oidcSettings()): Provider[] {
  if (!settings) return [];
  return [
    { id: OIDC_PROVIDER_ID, name: 'Single sign-on', type: 'oidc', ...settings, checks: ['pkce', 'state', 'nonce'] },
  ];
}
