import { describe, expect, it } from 'vitest';
import { OIDC_PROVIDER_ID, oidcProviders, oidcSettings } from './oidc';

const full = { OIDC_ISSUER: 'https://id.club.example', OIDC_CLIENT_ID: 'crm', OIDC_CLIENT_SECRET: 's3cret' };

describe('oidcSettings', () => {
  it('switches single sign-on on only when issuer, client id and secret are all set', () => {
    expect(oidcSettings(full)).toEqual({ issuer: full.OIDC_ISSUER, clientId: 'crm', clientSecret: 's3cret' });
    expect(oidcSettings({ ...full, OIDC_CLIENT_SECRET: undefined })).toBeNull();
    expect(oidcSettings({ OIDC_ISSUER: undefined, OIDC_CLIENT_ID: undefined, OIDC_CLIENT_SECRET: undefined })).toBeNull();
  });
});

describe('oidcProviders', () => {
  it('offers one OIDC provider with PKCE, state and nonce, or none', () => {
    expect(oidcProviders(null)).toEqual([]);
    expect(oidcProviders(oidcSettings(full))).toEqual([
      expect.objectContaining({ id: OIDC_PROVIDER_ID, type: 'oidc', issuer: full.OIDC_ISSUER, checks: ['pkce', 'state', 'nonce'] }),
    ]);
  });
});
