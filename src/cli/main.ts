#!/usr/bin/env node
// The `prometheus-push-client` executable. Everything else is in program.ts, so this file is the
// only one with a side effect (running the command line).
import { exitWith } from './outcome.js';
import { main } from './program.js';

void main(process.argv.slice(2)).then(exitWith);
