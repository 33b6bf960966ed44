#!/usr/bin/env node
// The `waybill` command: runs the compiled CLI (built by `npm install` through `prepare`).
import('../dist/main.js').then((m) => m.runCli(process.argv.slice(2)));
