import NextAuth from 'next-auth';
import { buildAuthConfig } from './config';

/** Auth.js v5: route handlers for /api/auth/*, `auth()` for the session, and the sign-in/out server helpers. */
export const { handlers, auth, signIn, signOut } = NextAuth(() => buildAuthConfig());
