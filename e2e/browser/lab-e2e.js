#!/usr/bin/env node
// Browser test of a notebook in gilgo's JupyterLab build (lab/), driven
// through headless Debian Chromium with playwright-core (no browser
// download). run.sh starts the server (E2E_UI=lab) and calls this script.
//
// Steps, each followed by a screenshot in --out:
//   1. open the notebook, wait until its gilgo kernel is idle
//   2. Run All (the notebook:run-all-cells command), wait until every code
//      cell has an execution count and the kernel is idle
//   3. check: no error outputs (from the notebook model), every
//      --expect-selector inside some output area
//   4. with --widgets (testdata/widgets.ipynb): the slider's handle takes
//      ArrowRight and the observer's label shows v=6; the button's click
//      shows clicks=1
//   5. with --slide-expect TEXT: ArrowRight on the first slider makes an
//      Output widget show TEXT (an Interact re-ran and redrew)
//   6. no console errors and no failed requests in the whole run
//
// Exit status: 0 on success, 1 on a failed check, 2 on bad arguments.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const usage = `usage: lab-e2e.js --url URL --token TOKEN --notebook PATH --out DIR [--widgets] [--slide-expect TEXT] [--expect-selector CSS]... [--timeout MS]`;

class CheckError extends Error {}

function parseArgs(argv) {
  const opts = { expectSelector: [], widgets: false, timeout: Number(process.env.E2E_TIMEOUT_MS || 240000),
    chromium: process.env.E2E_CHROMIUM || '/usr/bin/chromium', kernel: 'gilgo' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) {
        console.error(usage);
        process.exit(2);
      }
      return argv[++i];
    };
    switch (a) {
      case '--url': opts.url = next(); break;
      case '--token': opts.token = next(); break;
      case '--notebook': opts.notebook = next(); break;
      case '--out': opts.out = next(); break;
      case '--kernel': opts.kernel = next(); break;
      case '--timeout': opts.timeout = Number(next()); break;
      case '--chromium': opts.chromium = next(); break;
      case '--expect-selector': opts.expectSelector.push(next()); break;
      case '--widgets': opts.widgets = true; break;
      case '--slide-expect': opts.slideExpect = next(); break;
      case '--no-default-expect': case '--expect-line': case '--expect-contains':
        // The classic test's options: accepted so that one make rule feeds both.
        if (a !== '--no-default-expect') next();
        break;
      default:
        console.error(`unknown argument ${a}\n${usage}`);
        process.exit(2);
    }
  }
  for (const k of ['url', 'token', 'notebook', 'out']) {
    if (!opts[k]) {
      console.error(`missing --${k}\n${usage}`);
      process.exit(2);
    }
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(opts.out, { recursive: true });
  const log = fs.createWriteStream(path.join(opts.out, 'page.log'));
  const problems = [];
  const browser = await chromium.launch({ executablePath: opts.chromium, args: ['--no-sandbox'] });
  let step = 0;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const shot = async name => page.screenshot({ path: path.join(opts.out, `${++step}-${name}.png`) });
  page.on('console', m => {
    log.write(`${m.type()}: ${m.text()}\n`);
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', e => problems.push(`page error: ${e}`));
  page.on('requestfailed', r => {
    // A kernel's websocket closed by a restart or the end is not a failure.
    if (!r.url().includes('/channels')) problems.push(`failed request: ${r.url()}`);
  });
  try {
    const url = `${opts.url}/lab/tree/${encodeURIComponent(opts.notebook)}?reset&token=${opts.token}`;
    await page.goto(url);
    await page.waitForFunction(() => {
      const w = window.gilgoLab && window.gilgoLab.shell.currentWidget;
      const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
      return k && k.status === 'idle';
    }, null, { timeout: 90000 });
    const kernelName = await page.evaluate(() => window.gilgoLab.shell.currentWidget.sessionContext.session.kernel.name);
    if (kernelName !== opts.kernel) throw new CheckError(`the notebook's kernel is ${kernelName}, want ${opts.kernel}`);
    await shot('open');

    await page.evaluate(() => window.gilgoLab.commands.execute('notebook:run-all-cells'));
    await page.waitForFunction(() => {
      const w = window.gilgoLab.shell.currentWidget;
      const cells = w.content.model.cells;
      for (let i = 0; i < cells.length; i++) {
        const c = cells.get(i);
        if (c.type === 'code' && c.value.text.trim() !== '' && !c.executionCount) return false;
      }
      return w.sessionContext.session.kernel.status === 'idle';
    }, null, { timeout: opts.timeout, polling: 250 });
    await shot('ran');

    const errors = await page.evaluate(() => {
      const cells = window.gilgoLab.shell.currentWidget.content.model.cells;
      const out = [];
      for (let i = 0; i < cells.length; i++) {
        const c = cells.get(i);
        if (c.type !== 'code') continue;
        const tags = (c.metadata.get('tags') || []);
        if (tags.includes('raises-exception')) continue;
        for (const o of c.toJSON().outputs || []) {
          if (o.output_type === 'error') out.push(`cell ${i + 1}: ${o.ename}: ${o.evalue}`);
        }
      }
      return out;
    });
    if (errors.length) throw new CheckError(`error outputs:\n  ${errors.join('\n  ')}`);
    for (const sel of opts.expectSelector) {
      // Widget views render after the kernel went idle: wait a while.
      if (!(await page.waitForSelector(`.jp-OutputArea-output ${sel}`, { timeout: 30000 }).catch(() => null))) {
        const kinds = await page.$$eval('.jp-OutputArea-output', es => [...new Set(es.map(e => e.className))]);
        throw new CheckError(`no output contains ${sel} (outputs: ${kinds.join('; ')})`);
      }
    }

    if (opts.widgets) {
      const label = () => page.$$eval('.widget-label', es => es.map(e => e.textContent).join('|'));
      const handle = await page.waitForSelector('.noUi-handle', { timeout: 30000 });
      await handle.focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => [...document.querySelectorAll('.widget-label')].some(e => e.textContent === 'v=6'),
        null, { timeout: 30000 }).catch(async () => { throw new CheckError(`after ArrowRight the label shows ${await label()}, want v=6`); });
      await shot('slider');
      await page.click('button.jupyter-button');
      await page.waitForFunction(() => [...document.querySelectorAll('.widget-label')].some(e => e.textContent === 'clicks=1'),
        null, { timeout: 30000 }).catch(async () => { throw new CheckError(`after the click the label shows ${await label()}, want clicks=1`); });
      await shot('button');
    }
    if (opts.slideExpect) {
      const handle = await page.waitForSelector('.noUi-handle', { timeout: 30000 });
      await handle.scrollIntoViewIfNeeded();
      await handle.focus();
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(text => [...document.querySelectorAll('.widget-output')].some(e => e.textContent.includes(text)),
        opts.slideExpect, { timeout: 60000 }).catch(async () => {
        await shot('slide-failed');
        throw new CheckError(`after ArrowRight no Output widget shows ${opts.slideExpect}`);
      });
      await shot('slide');
    }
    if (problems.length) throw new CheckError(`the page reported:\n  ${problems.join('\n  ')}`);
    console.log(`lab-e2e: ${opts.notebook}: PASS`);
  } finally {
    await browser.close();
    log.end();
  }
}

main().catch(err => {
  console.error(`lab-e2e: ${err instanceof CheckError ? 'FAIL' : 'ERROR'}: ${err.message}`);
  process.exit(1);
});
