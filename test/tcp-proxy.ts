import net from 'node:net';

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
}

/**
 * A TCP proxy the test controls, used to interrupt Postgres or Redis for real without touching the server itself:
 * - `down()` cuts every connection and refuses new ones (like a crashed server); `up()` lets traffic through again.
 * - `freeze()` makes the server unreachable the way a network partition does: open connections go silent (no bytes,
 *   no FIN or RST) and new ones are accepted but never answered; `up()` resumes them all where they stopped.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const pairs = new Set<Pair>();
  let server: net.Server | null = null;
  let port = 0;
  let frozen = false;

  function close(pair: Pair) {
    pair.client.destroy();
    pair.upstream?.destroy();
    pairs.delete(pair);
  }

  function connectUpstream(pair: Pair) {
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => close(pair)).on('close', () => close(pair));
    pair.client.pipe(upstream).pipe(pair.client);
  }

  function listen(): Promise<void> {
    return new Promise((resolve) => {
      server = net.createServer((client) => {
        const pair: Pair = { client, upstream: null };
        pairs.add(pair);
        client.on('error', () => close(pair)).on('close', () => close(pair));
        if (frozen) client.pause();
        else connectUpstream(pair);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  await listen();
  return {
    get port() {
      return port;
    },
    async down() {
      frozen = false;
      const s = server;
      server = null;
      for (const pair of [...pairs]) close(pair);
      await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
    freeze() {
      frozen = true;
      for (const { client, upstream } of pairs) {
        if (!upstream) continue;
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    async up() {
      if (frozen) {
        frozen = false;
        for (const pair of pairs) {
          if (!pair.upstream) connectUpstream(pair);
          else pair.client.pipe(pair.upstream).pipe(pair.client);
        }
      }
      if (!server) await listen();
    },
    async close() {
      await this.down();
    },
  };
}
