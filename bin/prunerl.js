#!/usr/bin/env node
// The prunerl CLI entry; the program is in src/cli/main.ts (compiled to dist/).
import { main } from '../dist/cli/main.js';

await main(process.argv);
