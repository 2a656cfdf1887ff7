#!/usr/bin/env node
import 'reflect-metadata';
import { StopSignal } from '@wus/core';
import { runCli } from './cli/program.js';
import { installSignalHandlers } from './cli/signals.js';

const stop = new StopSignal();
installSignalHandlers(stop, (t) => void process.stderr.write(`${t}\n`));
process.exitCode = await runCli(process.argv.slice(2), { stop });
