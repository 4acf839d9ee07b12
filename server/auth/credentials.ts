import { z } from 'zod';
import type { Db } from '@/server/db/client';
import { withSystemScope } from '@/server/db/scope';
import { DUMMY_HASH, verifyPassword } from './password';
import { findStaffAccountByEmail, listTenantAccess } from './staff-access';
import type { SignInThrottle } from './throttle';

/** The one message for an unknown account and a wrong password, so the form never reveals who has an account. */
export const INVALID_CREDENTIALS_MESSAGE = 'That email and password do not match an account.';

export type SignInRefusalReason = 'invalid' | 'throttled' | 'no_access';

/**
 * Why a sign-in was refused, with the message the form shows. `invalid` never says whether the account exists;
 * `no_access` is only given once the password is proven right, so it reveals nothing to a guesser.
 */
export class SignInRefused extends Error {
  constructor(
    readonly reason: SignInRefusalReason,
    readonly retryAfterSeconds = 0,
  ) {
    super(
      reason === 'throttled'
        ? `Too many attempts — try again in ${retryAfterSeconds} seconds`
        : reason === 'no_access'
          ? 'Your account is not linked to any club yet. Ask an administrator.'
          : INVALID_CREDENTIALS_MESSAGE,
    );
    this.name = 'SignInRefused';
  }
}

export const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

export interface AuthorizeDeps {
  db: Db;
  throttle: SignInThrottle;
}

export interface AuthorizedUser {
  id: string;
  name: string;
  email: string;
}

/**
 * Checks an email and password, throttled per account and per client address. Every path verifies a hash (a
 * dummy one for a missing account), so the answer takes the same time whether the account exists or not.
 */
export async function authorizeCredentials(
  deps: AuthorizeDeps,
  input: { email: unknown; password: unknown; ip: string },
): Promise<AuthorizedUser> {
  const parsed = credentialsSchema.safeParse({ email: input.email, password: input.password });
  if (!parsed.success) throw new SignInRefused('invalid');
  const { email, password } = parsed.data;
  const key = { email, ip: input.ip };

  const lockedFor = await deps.throttle.lockedFor(key);
  if (lockedFor > 0) throw new SignInRefused('throttled', lockedFor);

  const account = await findStaffAccountByEmail(deps.db, email);
  const valid = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
  if (!account || !account.passwordHash || !valid) {
    await deps.throttle.recordFailure(key);
    throw new SignInRefused('invalid');
  }
  await deps.throttle.recordSuccess(key);

  // A staff account may belong to several clubs: its memberships are read across tenants.
  const access = await withSystemScope(deps.db, (tx) => listTenantAccess(tx, { userId: account.id }));
  if (access.length === 0) throw new SignInRefused('no_access');
  return { id: account.id, name: account.name, email: account.email };
}

/**
 * The address a sign-in came from. Next fills `x-forwarded-for` only when it is missing, and a reverse proxy
 * appends the address it saw, so the last entry is the one nearest hop vouches for.
 */
export function clientAddress(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for');
  const last = forwarded?.split(',').map((part) => part.trim()).filter(Boolean).at(-1);
  return last ?? headers.get('x-real-ip') ?? 'unknown';
}
