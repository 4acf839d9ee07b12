'use client';

import { useActionState } from 'react';
import { useFormStatus } from 'react-dom';
import { signInWithPassword, signInWithSso, type SignInFormState } from '@/server/auth/actions';

const INITIAL: SignInFormState = { error: null, email: '' };

const inputClass = [
  'block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset',
  'placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none',
].join(' ');

const primaryButton = [
  'flex w-full items-center justify-center rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white',
  'shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600',
  'disabled:cursor-wait disabled:opacity-70',
].join(' ');

const secondaryButton = [
  'flex w-full items-center justify-center rounded-md bg-white px-3 py-2 text-sm font-semibold text-zinc-800',
  'ring-1 ring-zinc-300 ring-inset hover:bg-zinc-50 disabled:cursor-wait disabled:opacity-70',
].join(' ');

/** Email + password. One message for an unknown account or a wrong password; its own message when throttled. */
export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState(signInWithPassword, INITIAL);
  return (
    <form action={action} className="space-y-4" aria-describedby={state.error ? 'sign-in-error' : undefined}>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <div className="space-y-1.5">
        <label htmlFor="email" className="block text-sm font-medium text-zinc-800">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          defaultValue={state.email}
          className={inputClass}
        />
      </div>
      <div className="space-y-1.5">
        <label htmlFor="password" className="block text-sm font-medium text-zinc-800">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={inputClass}
        />
      </div>
      <button type="submit" disabled={pending} className={primaryButton}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      {/* aria-live rather than role="alert": Next's route announcer already uses that role. */}
      <p id="sign-in-error" aria-live="polite" className="min-h-5 text-sm text-red-700" data-testid="sign-in-error">
        {state.error}
      </p>
    </form>
  );
}

function SsoSubmit() {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending} className={secondaryButton}>
      {pending ? 'Redirecting…' : 'Sign in with single sign-on'}
    </button>
  );
}

export function SsoButton({ callbackUrl }: { callbackUrl: string }) {
  return (
    <form action={signInWithSso}>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <SsoSubmit />
    </form>
  );
}
