// StatsD sink for the streaming rows: a separate Node process (8 MiB receive buffer) that counts
// datagrams and lines, and adds up the values of counter lines (`name:<delta>|c…`), so a sender
// that coalesces increments (several inc() in one `|c` line) is checked on the total it carries,
// not on its number of lines. Started and stopped by its parent through IPC (lib/sinks.js).
//
// Each datagram is parsed as it arrives and nothing is kept (keeping datagrams to parse later
// made the sink's heap grow by ~100 MB/s and its GC pauses overflow the receive buffer), without
// allocating: native indexOf for the separators, counter values read digit by digit.
import dgram from 'node:dgram';

const RCVBUF = 8 * 1024 * 1024;
const counts = { datagrams: 0, bytes: 0, metrics: 0, counterLines: 0, counterSum: 0, otherLines: 0 };

const COLON = 58;
const PIPE = 124;
const NEWLINE = 10;
const C = 99;
const DOT = 46;
const MINUS = 45;
const ZERO = 48;

/** The number in msg[from, to): digits, an optional '-' and '.', else parsed the slow way. */
function number(msg, from, to) {
  let sign = 1;
  let i = from;
  if (msg[i] === MINUS) {
    sign = -1;
    i++;
  }
  let value = 0;
  for (; i < to; i++) {
    const d = msg[i] - ZERO;
    if (d >= 0 && d <= 9) value = value * 10 + d;
    else if (msg[i] === DOT) return Number(msg.toString('latin1', from, to));
    else return NaN;
  }
  return sign * value;
}

const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RCVBUF });
socket.on('message', (msg) => {
  counts.datagrams++;
  counts.bytes += msg.length;
  let start = 0;
  while (start < msg.length) {
    let end = msg.indexOf(NEWLINE, start);
    if (end === -1) end = msg.length;
    if (end > start) {
      counts.metrics++;
      // name:value|type[|@rate][|#tags]: the value sits between the LAST ':' before the first
      // '|' and that '|' (tag values never come before the first '|').
      const pipe = msg.indexOf(PIPE, start);
      if (pipe !== -1 && pipe < end && msg[pipe + 1] === C && (pipe + 2 === end || msg[pipe + 2] === PIPE)) {
        const colon = msg.lastIndexOf(COLON, pipe);
        counts.counterLines++;
        counts.counterSum += number(msg, colon + 1, pipe);
      } else {
        counts.otherLines++;
      }
    }
    start = end + 1;
  }
});
socket.bind(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: socket.address().port, recvBufferSize: socket.getRecvBufferSize() });
});

process.on('message', (m) => {
  if (m === 'stats') process.send({ type: 'stats', ...counts });
  if (m === 'reset') {
    process.send({ type: 'stats', ...counts });
    for (const key of Object.keys(counts)) counts[key] = 0;
  }
});
process.on('disconnect', () => process.exit(0));
