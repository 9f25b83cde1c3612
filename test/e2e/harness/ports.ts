// Free loopback ports for the real servers.
//
// A port is found by binding port 0 on 127.0.0.1, reading the number the kernel chose and closing
// the socket again. That leaves a race: between our close and the server's own bind another
// process (for example a second e2e file running in parallel) may take the port. The servers then
// exit with "address already in use"; `startWithPortRetry` in process.ts catches that and starts
// again on fresh ports. All sockets of one allocation are held until every port is chosen, so one
// call never returns the same port twice.
import dgram from 'node:dgram';
import net from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** `tcp+udp` is a port free for both protocols (VictoriaMetrics' Influx listener binds both). */
export type PortKind = 'tcp' | 'udp' | 'tcp+udp';

type Held = { close(): Promise<void> };

function bindTcp(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function bindUdp(port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind({ address: LOOPBACK, port, exclusive: true }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

const heldTcp = (server: net.Server): Held => ({
  close: () => new Promise<void>((resolve) => server.close(() => resolve())),
});
const heldUdp = (socket: dgram.Socket): Held => ({
  close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
});

function boundPort(address: net.AddressInfo | string | null): number {
  if (address === null || typeof address === 'string') throw new Error('socket has no port');
  return address.port;
}

async function allocate(kind: PortKind, held: Held[]): Promise<number> {
  if (kind === 'tcp') {
    const server = await bindTcp(0);
    held.push(heldTcp(server));
    return boundPort(server.address());
  }
  if (kind === 'udp') {
    const socket = await bindUdp(0);
    held.push(heldUdp(socket));
    return socket.address().port;
  }
  // The kernel's TCP choice is usually free for UDP too; try a few before giving up.
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = await bindTcp(0);
    const port = boundPort(server.address());
    try {
      const socket = await bindUdp(port);
      held.push(heldTcp(server), heldUdp(socket));
      return port;
    } catch {
      await heldTcp(server).close();
    }
  }
  throw new Error('no loopback port free for both TCP and UDP after 20 attempts');
}

/** One free port per entry of `kinds`, all distinct; the sockets are closed before returning. */
export async function freePorts(kinds: readonly PortKind[]): Promise<number[]> {
  const held: Held[] = [];
  try {
    const ports: number[] = [];
    for (const kind of kinds) ports.push(await allocate(kind, held));
    return ports;
  } finally {
    await Promise.all(held.map((h) => h.close()));
  }
}
