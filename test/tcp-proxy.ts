import net from 'node:net';

/**
 * A TCP proxy the test controls: `down()` cuts every connection and refuses new ones (like a crashed or
 * unreachable server), `up()` lets traffic through again. Used to interrupt Postgres for real without touching the
 * shared server.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;

  function listen(): Promise<void> {
    return new Promise((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        sockets.add(client);
        sockets.add(upstream);
        client.pipe(upstream).pipe(client);
        const close = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
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
      const s = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => (s ? s.close(() => resolve()) : resolve()));
    },
    async up() {
      if (!server) await listen();
    },
    async close() {
      await this.down();
    },
  };
}
