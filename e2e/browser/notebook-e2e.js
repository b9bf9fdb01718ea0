#!/usr/bin/env node
// Browser test of a notebook in the classic Jupyter Notebook (6.x), driven
// through headless Debian Chromium with playwright-core. It never downloads a
// browser. run.sh starts the server and calls this script; see README.md.
//
// Steps, each followed by a screenshot in --out:
//   1. open the notebook, switch to --kernel through Kernel > Change kernel
//      if the notebook is on another kernel, wait until the kernel is idle
//   2. Cell > Run All, wait until no prompt shows In [*] and the kernel is idle
//   3. check: no error outputs, every code cell ran, the expectations hold
//   4. add a cell running --loop-code (default `for {}`), press the toolbar's
//      interrupt button, check the cell ends with an error matching
//      --interrupt-pattern
//   5. add a cell --after-code (default `1+1`), check it shows --after-expect
//   6. Kernel > Restart (confirm), run the --after-code cell again, check its
//      output and that the execution count started again at 1
//
// Exit status: 0 on success, 1 on a failed check (the message says which),
// 2 on bad arguments.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const usage = `usage: notebook-e2e.js --url URL --token TOKEN --notebook PATH --out DIR [options]

  --url URL               base URL of the Notebook server (http://127.0.0.1:PORT)
  --token TOKEN           the server's token
  --notebook PATH         notebook path relative to the server's notebook dir
  --out DIR               directory for screenshots and the page log
  --kernel NAME           kernelspec to run the notebook on (default gilgo)
  --expect-line TEXT      some output area has a line equal to TEXT (repeatable)
  --expect-contains TEXT  some output area contains TEXT (repeatable)
  --expect-selector CSS   an element matching CSS exists inside an output area
                          (repeatable; e.g. svg)
  --no-default-expect     drop the defaults (lines 3 and 42, for testdata/smoke.ipynb)
  --loop-code CODE        the cell to interrupt (default "for {}")
  --interrupt-pattern RE  the interrupted cell's error text matches RE
                          (default "Interrupt", case-insensitive)
  --after-code CODE       the cell run after the interrupt and the restart (default "1+1")
  --after-expect TEXT     its expected output line (default "2")
  --timeout MS            how long Run All may take (default 240000; env E2E_TIMEOUT_MS)
  --chromium PATH         browser binary (default /usr/bin/chromium; env E2E_CHROMIUM)

Environment E2E_EXPECT_LINES, E2E_EXPECT_CONTAINS and E2E_EXPECT_SELECTORS add
expectations, one per line.`;

class CheckError extends Error {}

function parseArgs(argv) {
  const opts = {
    kernel: 'gilgo',
    expectLine: [],
    expectContains: [],
    expectSelector: [],
    defaultExpect: true,
    loopCode: 'for {}',
    interruptPattern: 'Interrupt',
    afterCode: '1+1',
    afterExpect: '2',
    timeout: Number(process.env.E2E_TIMEOUT_MS || 240000),
    chromium: process.env.E2E_CHROMIUM || '/usr/bin/chromium',
  };
  const multi = { '--expect-line': 'expectLine', '--expect-contains': 'expectContains', '--expect-selector': 'expectSelector' };
  const single = {
    '--url': 'url', '--token': 'token', '--notebook': 'notebook', '--out': 'out', '--kernel': 'kernel',
    '--loop-code': 'loopCode', '--interrupt-pattern': 'interruptPattern', '--after-code': 'afterCode',
    '--after-expect': 'afterExpect', '--timeout': 'timeout', '--chromium': 'chromium',
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      console.log(usage);
      process.exit(0);
    }
    if (a === '--no-default-expect') {
      opts.defaultExpect = false;
      continue;
    }
    const key = multi[a] || single[a];
    if (!key) throw new Error(`unknown argument ${a}`);
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    const v = argv[++i];
    if (multi[a]) opts[key].push(v);
    else opts[key] = v;
  }
  for (const k of ['url', 'token', 'notebook', 'out']) {
    if (!opts[k]) throw new Error(`--${k} is required`);
  }
  opts.timeout = Number(opts.timeout);
  if (!(opts.timeout > 0)) throw new Error('--timeout must be a positive number of milliseconds');
  const fromEnv = (name) => (process.env[name] || '').split('\n').filter((s) => s !== '');
  opts.expectLine.push(...fromEnv('E2E_EXPECT_LINES'));
  opts.expectContains.push(...fromEnv('E2E_EXPECT_CONTAINS'));
  opts.expectSelector.push(...fromEnv('E2E_EXPECT_SELECTORS'));
  if (opts.defaultExpect) opts.expectLine.unshift('3', '42');
  return opts;
}

function log(msg) {
  console.log(`e2e: ${msg}`);
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`e2e: ${err.message}\n\n${usage}`);
    return 2;
  }
  fs.mkdirSync(opts.out, { recursive: true });
  for (const f of fs.readdirSync(opts.out)) {
    if (/^\d\d-.*\.png$/.test(f)) fs.rmSync(path.join(opts.out, f));
  }
  const pageLog = fs.createWriteStream(path.join(opts.out, 'page.log'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gilgo-e2e-chromium-'));
  let context;
  let page;
  let shot = 0;
  const screenshot = async (name) => {
    shot++;
    const file = path.join(opts.out, `${String(shot).padStart(2, '0')}-${name}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true });
    } catch (err) {
      log(`screenshot ${name}: ${err.message}`);
    }
  };
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: opts.chromium,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    page = context.pages()[0] || (await context.newPage());
    page.on('console', (m) => pageLog.write(`console.${m.type()}: ${m.text()}\n`));
    page.on('pageerror', (e) => pageLog.write(`pageerror: ${e.message}\n`));
    page.on('dialog', (d) => {
      pageLog.write(`dialog ${d.type()}: ${d.message()}\n`);
      d.dismiss().catch(() => {});
    });
    await run(page, opts, screenshot);
    log('PASS');
    return 0;
  } catch (err) {
    if (page) await screenshot('failure');
    if (err instanceof CheckError) {
      console.error(`e2e: FAIL: ${err.message}`);
    } else {
      console.error(`e2e: FAIL: ${err.stack || err}`);
    }
    console.error(`e2e: screenshots and page.log in ${opts.out}`);
    return 1;
  } finally {
    if (context) await context.close().catch(() => {});
    pageLog.end();
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (err) {
      log(`remove ${profile}: ${err.message}`);
    }
  }
}

// step runs fn and turns a Playwright timeout into a CheckError naming the step.
async function step(name, fn) {
  log(name);
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CheckError) throw err;
    throw new CheckError(`${name}: ${err.message.split('\n')[0]}`);
  }
}

// failOnModal turns an open Notebook dialog (kernel not found, dead kernel)
// into a clear failure.
async function failOnModal(page, what) {
  const modal = page.locator('.modal.in .modal-content');
  if (await modal.count()) {
    const text = (await modal.first().innerText()).replace(/\s+/g, ' ').trim();
    throw new CheckError(`${what}: the notebook shows a dialog: ${text}`);
  }
}

async function waitKernelIdle(page, timeout, what) {
  try {
    await page.waitForFunction(() => {
      const nb = window.Jupyter && window.Jupyter.notebook;
      const icon = document.querySelector('#kernel_indicator_icon');
      return nb && nb.kernel && nb.kernel.is_connected() && icon && icon.classList.contains('kernel_idle_icon');
    }, null, { timeout, polling: 250 });
  } catch (err) {
    await failOnModal(page, what);
    const state = await page.evaluate(() => {
      const icon = document.querySelector('#kernel_indicator_icon');
      return icon ? icon.getAttribute('title') || icon.className : 'no kernel indicator';
    });
    throw new CheckError(`${what}: kernel not idle after ${timeout} ms (indicator: ${state})`);
  }
}

// cellsState describes every code cell: prompt text, outputs' text, error text.
async function cellsState(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('#notebook-container .cell.code_cell')).map((cell, i) => {
    const prompt = cell.querySelector('.input_prompt');
    const src = cell.querySelector('.CodeMirror');
    return {
      index: i,
      prompt: prompt ? prompt.innerText.replace(/\s+/g, ' ').trim() : '',
      source: src && src.CodeMirror ? src.CodeMirror.getValue() : '',
      outputs: Array.from(cell.querySelectorAll('.output_area .output_subarea')).map((o) => o.innerText),
      errors: Array.from(cell.querySelectorAll('.output_error')).map((o) => o.innerText.trim()),
    };
  }));
}

function describeCell(c) {
  return `cell ${c.index} ${c.prompt} ${JSON.stringify(c.source.slice(0, 60))}`;
}

// waitCellsDone waits until no code cell shows In [*] and the kernel is idle.
async function waitCellsDone(page, timeout, what) {
  try {
    await page.waitForFunction(() => {
      const icon = document.querySelector('#kernel_indicator_icon');
      const busy = Array.from(document.querySelectorAll('#notebook-container .cell.code_cell .input_prompt'))
        .some((p) => p.innerText.includes('[*]'));
      return !busy && icon && icon.classList.contains('kernel_idle_icon');
    }, null, { timeout, polling: 250 });
  } catch (err) {
    await failOnModal(page, what);
    const running = (await cellsState(page)).filter((c) => c.prompt.includes('[*]')).map(describeCell);
    throw new CheckError(`${what}: cells still running after ${timeout} ms: ${running.join('; ') || '(none; kernel busy)'}`);
  }
}

async function clickMenu(page, menuId, itemSelector) {
  await page.click(`#${menuId}`);
  await page.click(itemSelector);
}

// addCell appends a code cell after the last one through Insert > Insert Cell
// Below and types code into it (insertText: no editor auto-closing).
async function addCell(page, code) {
  await page.evaluate(() => {
    const nb = window.Jupyter.notebook;
    nb.select(nb.ncells() - 1);
    nb.command_mode();
  });
  await clickMenu(page, 'insertlink', '#insert_cell_below > a');
  const index = await page.evaluate(() => window.Jupyter.notebook.ncells() - 1);
  const cell = page.locator('#notebook-container .cell').nth(index);
  await cell.locator('.CodeMirror').click();
  await page.keyboard.insertText(code);
  return cell;
}

// runSelected runs the selected cell in place with Ctrl+Enter (Shift+Enter
// would add a cell below the last one).
async function runSelected(page) {
  await page.keyboard.press('Control+Enter');
}

function outputLines(c) {
  return c.outputs.flatMap((o) => o.split('\n').map((l) => l.trim()));
}

async function run(page, opts, screenshot) {
  const url = `${opts.url.replace(/\/$/, '')}/notebooks/${opts.notebook.split('/').map(encodeURIComponent).join('/')}?token=${encodeURIComponent(opts.token)}`;
  const quick = 60000;

  await step('open the notebook', async () => {
    const resp = await page.goto(url, { waitUntil: 'load', timeout: quick });
    if (!resp || !resp.ok()) throw new CheckError(`open ${opts.notebook}: HTTP ${resp ? resp.status() : 'no response'}`);
    await page.waitForFunction(() => window.Jupyter && window.Jupyter.notebook && window.Jupyter.notebook._fully_loaded, null, { timeout: quick });
  });
  await screenshot('opened');

  const current = await page.evaluate(() => {
    const nb = window.Jupyter.notebook;
    return (nb.kernel && nb.kernel.name) || (nb.metadata.kernelspec && nb.metadata.kernelspec.name) || '';
  });
  if (current !== opts.kernel) {
    await step(`change kernel from ${current || '(none)'} to ${opts.kernel}`, async () => {
      await page.waitForSelector(`#kernel-submenu-${opts.kernel}`, { state: 'attached', timeout: quick })
        .catch(() => { throw new CheckError(`kernel ${opts.kernel} is not in Kernel > Change kernel (kernelspec not installed?)`); });
      await page.click('#kernellink');
      await page.hover('#menu-change-kernel');
      await page.click(`#kernel-submenu-${opts.kernel} > a`);
      await page.waitForFunction((k) => {
        const nb = window.Jupyter.notebook;
        return nb.kernel && nb.kernel.name === k;
      }, opts.kernel, { timeout: quick });
    });
  }
  await step('wait for the kernel', () => waitKernelIdle(page, quick, 'start kernel'));
  const name = await page.evaluate(() => window.Jupyter.notebook.kernel.name);
  if (name !== opts.kernel) throw new CheckError(`kernel: got ${name}, want ${opts.kernel}`);
  await screenshot('kernel-ready');

  await step('Cell > Run All', async () => {
    await clickMenu(page, 'celllink', '#run_all_cells > a');
    // Run All marks every code cell In [*] at once; wait for that (or for a
    // notebook whose cells all finished already) before waiting for idle.
    await page.waitForFunction(() => {
      const prompts = Array.from(document.querySelectorAll('#notebook-container .cell.code_cell .input_prompt')).map((p) => p.innerText);
      return prompts.some((t) => t.includes('[*]')) || prompts.every((t) => /\[\d+\]/.test(t));
    }, null, { timeout: quick });
  });
  await step('wait for all cells', () => waitCellsDone(page, opts.timeout, 'Run All'));
  await screenshot('run-all');

  await step('check the outputs', async () => {
    const cells = await cellsState(page);
    const problems = [];
    for (const c of cells) {
      if (c.errors.length) problems.push(`${describeCell(c)} has an error output: ${c.errors.join(' | ').slice(0, 400)}`);
      else if (c.source.trim() !== '' && !/\[\d+\]/.test(c.prompt)) problems.push(`${describeCell(c)} did not run (aborted?)`);
    }
    const lines = cells.flatMap(outputLines);
    const all = cells.flatMap((c) => c.outputs).join('\n');
    for (const want of opts.expectLine) {
      if (!lines.includes(want)) problems.push(`no output line equal to ${JSON.stringify(want)}`);
    }
    for (const want of opts.expectContains) {
      if (!all.includes(want)) problems.push(`no output contains ${JSON.stringify(want)}`);
    }
    for (const sel of opts.expectSelector) {
      const n = await page.locator(`#notebook-container .output_area ${sel}`).count();
      if (n === 0) problems.push(`no element ${JSON.stringify(sel)} in an output area`);
    }
    if (problems.length) {
      throw new CheckError(`after Run All:\n  ${problems.join('\n  ')}\n  outputs seen: ${JSON.stringify(lines.filter((l) => l !== '').slice(0, 40))}`);
    }
    log(`${cells.length} code cells ran; expectations met: lines ${JSON.stringify(opts.expectLine)} contains ${JSON.stringify(opts.expectContains)} selectors ${JSON.stringify(opts.expectSelector)}`);
  });

  await step(`run ${JSON.stringify(opts.loopCode)} and interrupt it`, async () => {
    const cell = await addCell(page, opts.loopCode);
    await runSelected(page);
    await cell.locator('.input_prompt', { hasText: '[*]' }).waitFor({ timeout: quick });
    // Let the cell really start in the kernel before interrupting.
    await page.waitForFunction(() => document.querySelector('#kernel_indicator_icon').classList.contains('kernel_busy_icon'), null, { timeout: quick });
    await page.waitForTimeout(1000);
    await screenshot('loop-running');
    await page.click('button[data-jupyter-action="jupyter-notebook:interrupt-kernel"]');
    await cell.locator('.output_error').first().waitFor({ timeout: quick }).catch(async () => {
      await failOnModal(page, 'interrupt');
      throw new CheckError(`interrupt: the ${JSON.stringify(opts.loopCode)} cell shows no error output ${quick} ms after the interrupt button`);
    });
    await waitCellsDone(page, quick, 'interrupt');
    const text = await cell.locator('.output_error').first().innerText();
    if (!new RegExp(opts.interruptPattern, 'i').test(text)) {
      throw new CheckError(`interrupt: error output ${JSON.stringify(text.slice(0, 300))} does not match /${opts.interruptPattern}/i`);
    }
    log(`interrupted: ${JSON.stringify(text.trim().split('\n')[0])}`);
  });
  await screenshot('interrupted');

  const runAfter = async (what) => {
    const cell = await addCell(page, opts.afterCode);
    await runSelected(page);
    await waitCellsDone(page, quick, what);
    // The notebook server forwards the shell and IOPub channels
    // separately: the execute_reply (the prompt's number) may be shown
    // before this cell's busy status and result, while the kernel icon
    // still shows the previous idle. Wait for an output or an error.
    await page.waitForFunction(() => {
      const cells = document.querySelectorAll('#notebook-container .cell.code_cell');
      const last = cells[cells.length - 1];
      return last && last.querySelector('.output_area .output_subarea');
    }, null, { timeout: quick, polling: 100 }).catch(() => {});
    await waitCellsDone(page, quick, what);
    const c = (await cellsState(page)).pop();
    if (c.errors.length) throw new CheckError(`${what}: ${describeCell(c)} has an error output: ${c.errors.join(' | ').slice(0, 400)}`);
    if (!outputLines(c).includes(opts.afterExpect)) {
      throw new CheckError(`${what}: ${describeCell(c)} output ${JSON.stringify(c.outputs)}, want a line ${JSON.stringify(opts.afterExpect)}`);
    }
    return c;
  };
  await step(`run ${JSON.stringify(opts.afterCode)} after the interrupt`, () => runAfter('after interrupt'));
  await screenshot('after-interrupt');

  await step('Kernel > Restart', async () => {
    await page.evaluate(() => {
      window.__gilgoRestarted = false;
      window.Jupyter.notebook.events.one('kernel_ready.Kernel', () => { window.__gilgoRestarted = true; });
    });
    await clickMenu(page, 'kernellink', '#restart_kernel > a');
    const confirm = page.locator('.modal.in .modal-footer button', { hasText: /^Restart$/ });
    await confirm.waitFor({ timeout: quick });
    await screenshot('restart-dialog');
    await confirm.click();
    await page.waitForFunction(() => window.__gilgoRestarted, null, { timeout: quick });
    await waitKernelIdle(page, quick, 'restart');
  });
  await screenshot('restarted');

  await step(`run ${JSON.stringify(opts.afterCode)} after the restart`, async () => {
    const c = await runAfter('after restart');
    if (c.prompt !== 'In [1]:') throw new CheckError(`after restart: prompt ${c.prompt}, want In [1]: (execution count reset)`);
  });
  await screenshot('after-restart');
}

main().then((code) => process.exit(code), (err) => {
  console.error(`e2e: FAIL: ${err.stack || err}`);
  process.exit(1);
});
