// `prometheus-push-client/testing`: helpers for users' own tests.
export { FakeClock } from './fake-clock.js';
