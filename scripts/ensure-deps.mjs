// Installs npm dependencies when node_modules is missing or older than package-lock.json.
import { existsSync, statSync } from 'node:fs';
import { execSync } from 'node:child_process';

const lock = existsSync('package-lock.json') ? statSync('package-lock.json').mtimeMs : 0;
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync(marker).mtimeMs < lock - 1000;
if (stale) {
  console.log('[pes] installing npm dependencies (first run)…');
  const cmd = existsSync('package-lock.json')
    ? 'npm ci --no-audit --no-fund'
    : 'npm install --no-audit --no-fund';
  execSync(cmd, { stdio: 'inherit' });
}
