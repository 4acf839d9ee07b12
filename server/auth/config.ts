import { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { withSystemScope } from '@/server/db/scope';
import { logger } from '@/server/logger';
import { authorizeCredentials, clientAddress, SignInRefused } from './credentials';
import { OIDC_PROVIDER_ID, oidcProviders } from './oidc';
import { runtime } from './runtime';
import { CredentialsRefused } from './sign-in-errors';
import { findStaffAccountByEmail, listTenantAccess } from './staff-access';
import { createSignInThrottle } from './throttle';

declare module 'next-auth' {
  interface Session {
    user: { id: string; name: string; email: string };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    /** The staff user id (staff_users.id), whichever provider signed the person in. */
    uid?: string;
  }
}

/** Staff sessions last a working day; the tenant and role are re-read from the database on every request anyway. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
/**
 * Auth.js configuration, built per request so the environment and connections are read at run time (not while
 * `next build` collects pages). JWT sessions carry only who the person is; what they may do in which club is
 * decided from the database on every request (see loadViewer).
 */
export function buildAuthConfig(): NextAuthConfig {
  const { db, redis, prefix, authSecret } = runtime();
  const throttle = createSignInThrottle({ redis, prefix });

  return {
    secret: authSecret,
    trustHost: true,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    logger: {
      // A refused sign-in is an everyday event, not a server error: one info line with the reason, no stack.
      error(error) {
        if (error instanceof CredentialsRefused) logger.info({ reason: error.refusal.reason }, 'sign-in refused');
        else if (error instanceof CredentialsSignin) logger.info('sign-in refused');
        else logger.error({ err: error }, 'auth error');
      },
      warn(code) {
        logger.warn({ code }, 'auth warning');
      },
      debug() {},
    },
    providers: [
      Credentials({
        id: 'credentials',
        credentials: { email: {}, password: {} },
        async authorize(credentials, request) {
          try {
            return await authorizeCredentials(
              { db, throttle },
              { email: credentials.email, password: credentials.password, ip: clientAddress(request.headers) },
            );
          } catch (error) {
            throw error instanceof SignInRefused ? new CredentialsRefused(error) : error;
          }
        },
      }),
      ...oidcProviders(),
    ],
    callbacks: {
      /** A single sign-on identity is let in only when it matches an enabled staff user who belongs to a club. */
      async signIn({ account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        const email = typeof profile?.email === 'string' ? profile.email : null;
        if (!email || profile?.email_verified === false) return false;
        const staff = await findStaffAccountByEmail(db, email);
        if (!staff) return false;
        const access = await withSystemScope(db, (tx) => listTenantAccess(tx, { userId: staff.id }));
        return access.length > 0;
      },
      async jwt({ token, user, account, profile }) {
        if (!account) return token;
        if (account.provider === OIDC_PROVIDER_ID) {
          const staff = typeof profile?.email === 'string' ? await findStaffAccountByEmail(db, profile.email) : null;
          if (!staff) return null;
          return { ...token, uid: staff.id, name: staff.name, email: staff.email };
        }
        return { ...token, uid: user.id };
      },
      session({ session, token }) {
        return {
          ...session,
          user: { id: token.uid ?? '', name: token.name ?? '', email: token.email ?? '' },
        };
      },
    },
  };
}
