/** Polling helpers bounded by a scenario's abort signal, so nothing outlives the scenario that started it. */

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Polls `check` every `everyMs` until it returns true; throws after `timeoutMs` naming what it waited for. */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  { timeoutMs, everyMs = 250, signal }: { timeoutMs: number; everyMs?: number; signal?: AbortSignal },
): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return Date.now() - started;
    await sleep(everyMs, signal);
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
