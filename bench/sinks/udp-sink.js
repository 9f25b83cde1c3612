// UDP sink: a separate Node process (so receiving never competes with the sender's event loop)
// that counts datagrams, bytes and newline-separated metrics. Started and stopped by its parent
// through IPC (lib/sinks.js).
import dgram from 'node:dgram';

// 8 MiB asked; the kernel grants what net.core.rmem_max allows (doubled for bookkeeping). A big
// buffer absorbs the sender's bursts: a burst of packed datagrams is what batch mode produces.
const RCVBUF = 8 * 1024 * 1024;
const counts = { datagrams: 0, bytes: 0, metrics: 0 };

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RCVBUF });
socket.on('message', (msg) => {
  counts.datagrams++;
  counts.bytes += msg.length;
  // A StatsD datagram holds metrics separated by '\n' (the last one may or may not end in one).
  let n = 0;
  let at = msg.indexOf(10);
  while (at !== -1) {
    n++;
    at = msg.indexOf(10, at + 1);
  }
  if (msg.length > 0 && msg[msg.length - 1] !== 10) n++;
  counts.metrics += n;
});
socket.bind(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: socket.address().port, recvBufferSize: socket.getRecvBufferSize() });
});

process.on('message', (m) => {
  if (m === 'stats') process.send({ type: 'stats', ...counts });
  if (m === 'reset') {
    process.send({ type: 'stats', ...counts });
    counts.datagrams = counts.bytes = counts.metrics = 0;
  }
});
// The parent going away (even by a crash) ends the sink.
process.on('disconnect', () => process.exit(0));
