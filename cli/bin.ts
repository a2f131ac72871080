#!/usr/bin/env node
/** @module The built CLI's entry point (dist/netpol-edge.js): runs the command, sets the exit code. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
