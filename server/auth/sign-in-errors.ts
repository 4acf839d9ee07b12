import { CredentialsSignin } from 'next-auth';
import type { SignInRefused } from './credentials';

/**
 * A refusal in the form Auth.js passes through unchanged (a CredentialsSignin; anything else it wraps and logs as
 * a server error). `code` is the refusal reason; the sign-in action reads the message from `refusal`.
 */
export class CredentialsRefused extends CredentialsSignin {
  constructor(readonly refusal: SignInRefused) {
    super(refusal.message);
    this.code = refusal.reason;
  }
}
