#!/usr/bin/env node
// The `pes` command line: runs the TypeScript sources in src/ and scripts/ headless in Node via tsx.
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

register();
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { main } = await import(pathToFileURL(join(root, 'scripts', 'cli', 'main.ts')).href);
process.exitCode = await main(process.argv.slice(2));
