// `prometheus-push-client/testing`: helpers for users' own tests.
//
// Test code that pushes metrics without a server, a socket or a sleep:
//
//   import { FakeClock, memoryTransport, sendFailed } from 'prometheus-push-client/testing';
//
//   const clock = new FakeClock();                 // time moves only when the test says so
//   const transport = memoryTransport();           // records payloads; every send succeeds
//   const pusher = periodicPusher({ registry, encoder: prometheusTextEncoder(), transport, clock,
//                                   intervalMs: 1000 }).start();
//   jobs.inc();
//   await clock.advance(1000);                     // the timer fires once: one push
//   assert.deepEqual(transport.texts(), ['# HELP jobs_total …\n# TYPE jobs_total counter\njobs_total 1\n']);
//   await pusher.stop();                           // final push, then transport.closed === true
//
// FakeClock: pass it as `clock` to metrics, registries, transports and pushers. `advance(ms)`
// runs every timer that falls due, in order, letting promise callbacks settle between them;
// `runAll()` runs until no timer is left; `now()` starts at 2023-11-14T22:13:20Z.
//
// memoryTransport({ target?, results? }): `payloads` (copies, in order), `texts()` (UTF-8),
// `sendOptions`, `closed`, `closeCalls`, `sendsAfterClose`, `clear()`. `results` chooses what each
// send returns: an array (the n-th send gets results[n], later ones succeed, see `sendOk` and
// `sendFailed(error, retryable?)`) or a function `(payload, index) => SendResult | Promise<…>`;
// a promise that never settles is a target that hangs (the send still ends with ERR_TIMEOUT when
// its AbortSignal fires, as a real transport's does).
export { FakeClock } from './fake-clock.js';
export { memoryTransport, sendOk, sendFailed } from './memory-transport.js';
export type { MemoryTransport, MemoryTransportOptions, MemorySendResponder } from './memory-transport.js';
