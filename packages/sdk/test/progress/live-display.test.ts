import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runConnectorProcess } from '../../src/testing/index.js';

const TICKER = fileURLToPath(new URL('../fixtures/ticker-tap.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'singer-ts-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ESC = '\u001b[';

/** Runs the ticker tap with stderr on a pseudo-terminal (util-linux `script`); returns what the terminal showed. */
async function underTerminal(config: Record<string, unknown>): Promise<{ code: number; screen: string }> {
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  // A terminal of 24 rows and 120 columns; stdout goes to /dev/null so it shows only stderr.
  const command = `stty rows 24 cols 120; ${process.execPath} ${TICKER} --config ${file} > /dev/null`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => out.push(chunk));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 137)));
  return { code, screen: Buffer.concat(out).toString('utf8') };
}

describe('live progress display', () => {
  it('draws a per-stream display instead of progress lines when stderr is a terminal', async () => {
    const { code, screen } = await underTerminal({ count: 3000, progress_interval_seconds: 0.01 });
    expect(code).toBe(0);
    // The display's last frame: the stream's final count, drawn with cursor control sequences.
    expect(screen).toMatch(/ticks\s+3,000 records/);
    expect(screen).toContain(ESC);
    expect(screen).not.toContain(' progress ticks: ');
    // Log lines still reach the terminal, above the display.
    expect(screen).toContain('summary ticks (succeeded): 3,000 records emitted');
  }, 60_000);

  it('logs progress lines and no display when stderr is a pipe', async () => {
    const result = await runConnectorProcess(TICKER, {
      config: { count: 3000, progress_interval_seconds: 0.01 },
    });
    expect(result.exitCode).toBe(0);
    expect(result.records('ticks')).toHaveLength(3000);
    expect(result.stderr).not.toContain(ESC);
    expect(result.stderr).toContain('summary ticks (succeeded): 3,000 records emitted');
  }, 60_000);

  it('keeps progress lines on a terminal when progress_display is lines', async () => {
    const { code, screen } = await underTerminal({
      count: 3000,
      progress_interval_seconds: 0.01,
      progress_display: 'lines',
    });
    expect(code).toBe(0);
    expect(screen).not.toMatch(/ticks\s+3,000 records/);
    expect(screen).toContain('summary ticks (succeeded): 3,000 records emitted');
  }, 60_000);
});
