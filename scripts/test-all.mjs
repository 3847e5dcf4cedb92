#!/usr/bin/env node
// `npm test`: type-check, ESLint, Prettier check, unit tests, production build, browser tests, in
// that order. Every step runs (a failed build marks the browser tests failed, never skipped); the
// summary lists each step and the last line is "N passed, N failed" over steps, unit tests and
// browser tests. Exit code 1 on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = []; // { name, ok, passed, failed, seconds, note }
mkdirSync('test-results', { recursive: true });

function run(cmd, args, { env = {} } = {}) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tee = (stream, sink) =>
      stream.on('data', (d) => {
        out += d;
        sink.write(d);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('error', (e) => resolve({ code: 127, out: `${out}\n${e.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function step(name, fn) {
  console.log(`\n━━ ${name} ━━`);
  const t0 = Date.now();
  let r;
  try {
    r = await fn();
  } catch (e) {
    r = { ok: false, note: e?.message ?? String(e) };
  }
  const seconds = (Date.now() - t0) / 1000;
  const entry = { name, seconds, passed: r.ok ? 1 : 0, failed: r.ok ? 0 : 1, ...r };
  results.push(entry);
  if (!entry.ok && entry.note) console.log(`✗ ${name}: ${entry.note}`);
  return entry.ok;
}

const npx = (args, opts) => run('npx', ['--no-install', ...args], opts);
const simple = (args) => async () => ({ ok: (await npx(args)).code === 0 });

/** Debian Chromium for the browser tests: CHROMIUM_PATH, /usr/bin/chromium, or apt-get as root. */
function ensureChromium() {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (existsSync(given)) return given;
    throw new Error(
      `CHROMIUM_PATH=${given} does not exist. Point it at a Chromium binary or unset it to use /usr/bin/chromium.`,
    );
  }
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/etc/debian_version')) {
    console.log("Chromium is missing: installing Debian's chromium (apt-get install -y chromium)…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [['update'], ['install', '-y', 'chromium']]) {
      const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (r.status !== 0)
        throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}); install chromium by hand.`);
    }
    if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  }
  throw new Error(
    'The browser tests need Chromium and none was found. Install it with `sudo apt-get install -y chromium` ' +
      '(Debian/Ubuntu), or set CHROMIUM_PATH=/path/to/chromium, then run `npm test` again.',
  );
}

let built = false;
await step('type-check (tsc --noEmit)', simple(['tsc', '--noEmit', '-p', 'tsconfig.json']));
await step('ESLint', simple(['eslint', '.']));
await step('Prettier check', simple(['prettier', '--check', '.']));
await step('unit tests (vitest)', async () => {
  const json = 'test-results/vitest.json';
  rmSync(json, { force: true });
  const r = await npx([
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${json}`,
  ]);
  if (!existsSync(json)) return { ok: false, note: `vitest exited ${r.code} without a report` };
  const rep = JSON.parse(readFileSync(json, 'utf8'));
  const passed = rep.numPassedTests ?? 0;
  const failed = (rep.numFailedTests ?? 0) + (rep.numFailedTestSuites ?? 0);
  const ok = r.code === 0 && failed === 0 && passed > 0;
  return {
    ok,
    passed,
    failed: ok ? failed : Math.max(failed, 1),
    note: `${passed} passed, ${failed} failed`,
  };
});
built = await step('production build (vite build)', simple(['vite', 'build']));
await step('browser tests (Chromium, headless)', async () => {
  if (!built) return { ok: false, note: 'not run: the production build failed' };
  const chromium = ensureChromium();
  const r = await run('node', ['tests/e2e/run.mjs'], { env: { CHROMIUM_PATH: chromium } });
  const m = /^(\d+) passed, (\d+) failed\s*$/m.exec(r.out.split('\n').filter(Boolean).slice(-3).join('\n'));
  if (!m) return { ok: false, note: `browser tests exited ${r.code} without a result line` };
  const [passed, failed] = [Number(m[1]), Number(m[2])];
  const ok = r.code === 0 && failed === 0 && passed > 0;
  return { ok, passed, failed: ok ? 0 : Math.max(failed, 1), note: `${passed} passed, ${failed} failed` };
});

console.log('\n━━ summary ━━');
for (const r of results)
  console.log(
    `${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(36)} ${r.seconds.toFixed(1).padStart(6)} s${r.note ? `  ${r.note}` : ''}`,
  );
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || results.some((r) => !r.ok) ? 1 : 0;
