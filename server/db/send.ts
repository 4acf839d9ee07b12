/**
 * Starts a drizzle query now and returns its result. Drizzle queries are lazy (they run when first awaited);
 * starting several with `send` before awaiting any pipelines them on the transaction's connection in call order:
 * one round trip for all, each still its own statement with its own snapshot (so a read sent after a lock sees what
 * the lock's previous holder committed). Every statement started after a `send`, by `send` or by a plain `await`,
 * goes out after it; the reverse does not hold (a plain `await` takes a step longer to reach the driver), so the
 * earlier statement of any pair whose order matters must be started with `send`. If one fails, the ones after it
 * fail with the aborted transaction.
 */
export function send<T>(query: PromiseLike<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => query.then(resolve, reject));
}
