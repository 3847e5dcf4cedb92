// Finds Debian Chromium and launches it headless through playwright-core with the flags the tests need.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
];

/** CHROMIUM_PATH, else /usr/bin/chromium; null when neither exists. */
export function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(Boolean);
  return candidates.find((p) => existsSync(p)) ?? null;
}

export async function launchChromium() {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error(
      "Chromium not found. Install Debian's chromium (sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium/Chrome binary.",
    );
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
