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
//   6. with --ui: in new cells, stop `for {}` with the toolbar's stop
//      button, restart the kernel from the Kernel menu, the completion
//      popup for fmt.Pri, the Shift+Tab tooltip of fmt.Println, the
//      inspector's documentation of fmt.Println, a
//      fmt.Scanln answered in Lab's input box, display.HTML, Markdown,
//      LaTeX and PNG rendered, 100,000 printed lines without freezing the
//      page
//   7. with --debug (testdata/debug.ipynb): enable the debugger with the
//      notebook toolbar's bug icon, set a breakpoint on line 4 of the first
//      cell by clicking its gutter, run the cell: the line is highlighted
//      and the Variables panel shows n; Next moves to line 5 (x shows),
//      Continue finishes the cell (21 printed), and the next cell runs
//   8. no console errors and no failed requests in the whole run
//
// Exit status: 0 on success, 1 on a failed check, 2 on bad arguments.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const usage = `usage: lab-e2e.js --url URL --token TOKEN --notebook PATH --out DIR [--widgets] [--ui] [--debug] [--slide-expect TEXT] [--expect-selector CSS]... [--timeout MS]`;

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
      case '--ui': opts.ui = true; break;
      case '--debug': opts.debug = true; break;
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

// addCell appends a code cell holding code, makes it the active cell and
// returns its index.
async function addCell(page, code) {
  return page.evaluate(async code => {
    const lab = window.gilgoLab;
    const nb = lab.shell.currentWidget.content;
    nb.activeCellIndex = nb.widgets.length - 1;
    await lab.commands.execute('notebook:insert-cell-below');
    nb.activeCell.model.value.text = code;
    return nb.activeCellIndex;
  }, code);
}

// runCell starts the active cell (it does not wait for the kernel).
async function runCell(page) {
  await page.evaluate(() => { window.gilgoLab.commands.execute('notebook:run-cell'); });
}

// outputText is the text of cell i's outputs in the model.
async function outputText(page, i) {
  return page.evaluate(i => {
    const c = window.gilgoLab.shell.currentWidget.content.model.cells.get(i);
    return (c.toJSON().outputs || []).map(o => o.text || (o.data && o.data['text/plain']) || (o.ename ? o.ename + ': ' + o.evalue : '')).flat().join('');
  }, i);
}

async function waitOutput(page, i, re, what, timeout = 60000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await outputText(page, i);
    if (re.test(text)) return text;
    if (Date.now() > deadline) throw new CheckError(`${what}: cell output ${JSON.stringify(text.slice(-300))} does not match ${re}`);
    await page.waitForTimeout(200);
  }
}

async function waitIdle(page, timeout = 60000) {
  await page.waitForFunction(() => {
    const k = window.gilgoLab.shell.currentWidget.sessionContext.session.kernel;
    return k && k.status === 'idle';
  }, null, { timeout, polling: 200 });
}

// variablesText is what the debugger's Variables panel shows.
async function variablesText(page) {
  return page.$$eval('.jp-DebuggerVariables-body li', es => es.map(e => e.textContent).join('|'));
}

// highlightedLine is the 1-based line the debugger highlights in the
// first cell, or 0.
async function highlightedLine(page) {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('.jp-Notebook .jp-Cell')][0].querySelectorAll('.CodeMirror-code > div');
    for (let i = 0; i < lines.length; i++) if (lines[i].querySelector('.jp-DebuggerEditor-highlight') || lines[i].classList.contains('jp-DebuggerEditor-highlight')) return i + 1;
    return 0;
  });
}

async function waitDebug(page, what, cond, timeout = 60000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const line = await highlightedLine(page);
    const vars = await variablesText(page);
    if (cond(line, vars)) return;
    if (Date.now() > deadline) throw new CheckError(`${what}: highlighted line ${line}, variables ${JSON.stringify(vars)}`);
    await page.waitForTimeout(200);
  }
}

// debugChecks drives the debugger panel (see step 7).
async function debugChecks(page, shot) {
  await page.click('.jp-NotebookPanel-toolbar .jp-DebuggerBugButton');
  await page.waitForFunction(() => window.gilgoLab.shell.currentWidget.node.getAttribute('data-jp-debugger') === 'true', null, { timeout: 30000 })
    .catch(() => { throw new CheckError('the bug icon did not enable the debugger'); });
  await page.evaluate(() => window.gilgoLab.shell.activateById('jp-debugger-sidebar'));
  await page.waitForTimeout(1000);
  // A click in the gutter of the first cell's line 4.
  const cell = (await page.$$('.jp-Notebook .jp-Cell'))[0];
  const line = (await cell.$$('.CodeMirror-code > div'))[3];
  const lb = await line.boundingBox();
  const gb = await (await cell.$('.CodeMirror-gutters')).boundingBox();
  await page.mouse.click(gb.x + gb.width / 2, lb.y + lb.height / 2);
  await cell.waitForSelector('.jp-DebuggerEditor-marker', { timeout: 30000 })
    .catch(() => { throw new CheckError('no breakpoint marker after the gutter click'); });
  await shot('debug-breakpoint');
  await page.evaluate(() => { window.gilgoLab.shell.currentWidget.content.activeCellIndex = 0; });
  await runCell(page);
  await waitDebug(page, 'stop at the breakpoint', (l, v) => l === 4 && v.includes('n: 40'));
  await shot('debug-stopped');
  await page.evaluate(() => window.gilgoLab.commands.execute('debugger:next'));
  await waitDebug(page, 'after Next', (l, v) => l === 5 && v.includes('x: 20'));
  await shot('debug-next');
  await page.evaluate(() => window.gilgoLab.commands.execute('debugger:continue'));
  await waitOutput(page, 0, /^21\n$/, 'the cell after Continue');
  await waitIdle(page);
  const i = await addCell(page, 'fmt.Println(half(4))');
  await runCell(page);
  await waitOutput(page, i, /^3\n$/, 'the cell after the debugged one', 10000).catch(async err => {
    // It stops at the breakpoint too: continue it.
    await page.evaluate(() => window.gilgoLab.commands.execute('debugger:continue'));
    await waitOutput(page, i, /^3\n$/, 'the cell after the debugged one');
  });
  await shot('debug-done');
}

// uiChecks does what a Lab user does besides Run All (see step 6).
async function uiChecks(page, shot) {
  // Stop a running cell with the toolbar's button, then run the next.
  let i = await addCell(page, 'for {}');
  await runCell(page);
  await page.waitForFunction(() => window.gilgoLab.shell.currentWidget.sessionContext.session.kernel.status === 'busy', null, { timeout: 30000 });
  await page.waitForTimeout(500);
  await page.click('.jp-NotebookPanel-toolbar button[data-command="kernelmenu:interrupt"]');
  await waitOutput(page, i, /Interrupt/i, 'stop button');
  await waitIdle(page);
  i = await addCell(page, 'import "fmt"\nfmt.Println(40 + 2)');
  await runCell(page);
  await waitOutput(page, i, /^42\n$/, 'the cell after the stop');
  await shot('stopped');

  // Restart from the Kernel menu: the next cell is In [1].
  await page.click('.lm-MenuBar-itemLabel:text-is("Kernel")');
  await page.click('.lm-Menu-item[data-command="kernelmenu:restart"]');
  await page.click('.jp-Dialog-button.jp-mod-accept');
  await page.waitForTimeout(500);
  await waitIdle(page);
  i = await addCell(page, 'import "fmt"\nfmt.Println("restarted")');
  await runCell(page);
  await waitOutput(page, i, /restarted/, 'after the restart');
  const count = await page.evaluate(i => window.gilgoLab.shell.currentWidget.content.model.cells.get(i).executionCount, i);
  if (count !== 1) throw new CheckError(`after the restart the cell ran as In [${count}], want In [1]`);
  await shot('restarted');

  // Completion: Tab after fmt.Pri lists Println.
  i = await addCell(page, 'fmt.Pri');
  await page.click('.jp-Cell.jp-mod-active .jp-InputArea-editor');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Tab');
  await page.waitForSelector('.jp-Completer .jp-Completer-item[data-value="Println"]', { timeout: 30000 })
    .catch(() => { throw new CheckError('Tab after fmt.Pri: no completion popup with Println'); });
  await shot('completion');
  await page.keyboard.press('Escape');

  // Shift+Tab: the tooltip of fmt.Println.
  await page.evaluate(i => { window.gilgoLab.shell.currentWidget.content.model.cells.get(i).value.text = 'fmt.Println('; }, i);
  await page.click('.jp-Cell.jp-mod-active .jp-InputArea-editor');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Shift+Tab');
  await page.waitForFunction(() => [...document.querySelectorAll('.jp-Tooltip')].some(e => e.textContent.includes('Println')), null, { timeout: 30000 })
    .catch(() => { throw new CheckError('Shift+Tab: no tooltip for fmt.Println'); });
  await shot('tooltip');
  await page.keyboard.press('Escape');

  // The inspector (Contextual Help) follows the cursor: fmt.Println's doc.
  // It opens beside the notebook, which is made current again.
  await page.evaluate(async () => {
    const nb = window.gilgoLab.shell.currentWidget;
    await window.gilgoLab.commands.execute('inspector:open');
    window.gilgoLab.shell.activateById(nb.id);
  });
  await page.evaluate(i => { window.gilgoLab.shell.currentWidget.content.model.cells.get(i).value.text = 'fmt.Println'; }, i);
  await page.click('.jp-Cell.jp-mod-active .jp-InputArea-editor');
  await page.keyboard.press('Control+End');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => [...document.querySelectorAll('.jp-Inspector-content')].some(e => /Println formats/.test(e.textContent)), null, { timeout: 30000 })
    .catch(() => { throw new CheckError('inspector: no documentation of fmt.Println'); });
  await shot('inspector');
  await page.evaluate(() => window.gilgoLab.commands.hasCommand('inspector:close') && window.gilgoLab.commands.execute('inspector:close'));
  await page.evaluate(i => { window.gilgoLab.shell.currentWidget.content.model.cells.get(i).value.text = ''; }, i);
  await page.evaluate(() => window.gilgoLab.commands.execute('notebook:enter-command-mode'));

  // fmt.Scanln answered in Lab's input box.
  i = await addCell(page, 'var name string\nfmt.Scanln(&name)\nfmt.Println("hello", name)');
  await runCell(page);
  const input = await page.waitForSelector('.jp-Stdin-input', { timeout: 30000 })
    .catch(() => { throw new CheckError('fmt.Scanln: no input box'); });
  await input.fill('gopher');
  await input.press('Enter');
  await waitOutput(page, i, /hello gopher/, 'fmt.Scanln');
  await shot('stdin');

  // Rich displays.
  i = await addCell(page, [
    'import ("display"; "image"; "image/color")',
    'display.HTML("<b id=\'gilgo-html\'>bold</b>")',
    'display.Markdown("# gilgo markdown")',
    'display.LaTeX("$$x^2 + y^2$$")',
    'img := image.NewRGBA(image.Rect(0, 0, 8, 8))',
    'img.Set(1, 1, color.RGBA{255, 0, 0, 255})',
    'display.Image(img)',
  ].join('\n'));
  await runCell(page);
  for (const [sel, what] of [['#gilgo-html', 'display.HTML'], ['.jp-RenderedMarkdown h1', 'display.Markdown'],
    // MathJax (Debian's, served by lab/main.py) typesets LaTeX into its own elements.
    ['.jp-RenderedLatex .MathJax_CHTML', 'display.LaTeX typeset by MathJax'], ['.jp-RenderedImage img', 'display.Image (PNG)']]) {
    await page.waitForSelector(sel, { timeout: 30000 }).catch(() => { throw new CheckError(`${what}: nothing matches ${sel}`); });
  }
  await shot('displays');

  // 100,000 lines: the cell ends and the page still answers.
  i = await addCell(page, 'for i := 0; i < 100000; i++ { fmt.Println(i) }');
  await runCell(page);
  await waitIdle(page, 120000);
  await waitOutput(page, i, /99999\n$/, '100,000 lines', 120000);
  const t0 = Date.now();
  await page.evaluate(() => 1);
  if (Date.now() - t0 > 10000) throw new CheckError(`after 100,000 lines the page took ${Date.now() - t0} ms to answer`);
  await shot('lines');
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
        const outputs = c.toJSON().outputs || [];
        for (const o of outputs) {
          if (o.output_type !== 'error') continue;
          // The cell's stderr says what happened (a crashed worker's stack).
          const stderr = outputs.filter(s => s.name === 'stderr').map(s => [].concat(s.text).join('')).join('');
          out.push(`cell ${i + 1}: ${o.ename}: ${o.evalue}` + (stderr ? `\n    stderr: ${stderr.slice(0, 20000)}` : ''));
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
    if (opts.ui) await uiChecks(page, shot);
    if (opts.debug) await debugChecks(page, shot);
    if (problems.length) throw new CheckError(`the page reported:\n  ${problems.join('\n  ')}`);
    console.log(`lab-e2e: ${opts.notebook}: PASS`);
  } catch (err) {
    // What the page showed when a check failed (the last screenshot may
    // be several steps older).
    await shot('failed').catch(() => {});
    throw err;
  } finally {
    await browser.close();
    log.end();
  }
}

main().catch(err => {
  console.error(`lab-e2e: ${err instanceof CheckError ? 'FAIL' : 'ERROR'}: ${err.message}`);
  process.exit(1);
});
