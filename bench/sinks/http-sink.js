// HTTP sink: a separate Node process that reads and discards request bodies, answers 204 for
// /api/v2/write (InfluxDB's convention) and 200 otherwise, and counts requests, body bytes and
// TCP connections (so a run can show that pushes reused one keep-alive connection).
import http from 'node:http';

const counts = { requests: 0, bytes: 0, connections: 0 };
const server = http.createServer((req, res) => {
  req.on('data', (chunk) => {
    counts.bytes += chunk.length;
  });
  req.on('end', () => {
    counts.requests++;
    res.statusCode = req.url?.startsWith('/api/v2/write') ? 204 : 200;
    res.end();
  });
});
// Keep idle connections for the whole run: clients decide whether they reuse them.
server.keepAliveTimeout = 60_000;
server.on('connection', () => counts.connections++);
server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: server.address().port });
});

process.on('message', (m) => {
  if (m === 'stats') process.send({ type: 'stats', ...counts });
  if (m === 'reset') {
    process.send({ type: 'stats', ...counts });
    counts.requests = counts.bytes = counts.connections = 0;
  }
});
process.on('disconnect', () => process.exit(0));
