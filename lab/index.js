// gilgo's JupyterLab: JupyterLab 3.6's web app (its examples/app pattern),
// with the debugger and ipywidgets' manager. The imports match
// package.json's "jupyterlab.extensions" (webpack.config.js copies their
// schemas and themes into build/).

import { JupyterLab } from '@jupyterlab/application';

// The webpack public path needs to be set before loading the CSS assets.
import { PageConfig } from '@jupyterlab/coreutils';
// eslint-disable-next-line
__webpack_public_path__ = PageConfig.getOption('fullStaticUrl') + '/';

const styles = import('./build/style.js');

const extensions = [
  import('@jupyter-widgets/jupyterlab-manager'),
  import('@jupyterlab/application-extension'),
  import('@jupyterlab/apputils-extension'),
  import('@jupyterlab/celltags-extension'),
  import('@jupyterlab/codemirror-extension'),
  import('@jupyterlab/completer-extension'),
  import('@jupyterlab/console-extension'),
  import('@jupyterlab/csvviewer-extension'),
  import('@jupyterlab/debugger-extension'),
  import('@jupyterlab/docmanager-extension'),
  import('@jupyterlab/filebrowser-extension'),
  import('@jupyterlab/fileeditor-extension'),
  import('@jupyterlab/help-extension'),
  import('@jupyterlab/imageviewer-extension'),
  import('@jupyterlab/inspector-extension'),
  import('@jupyterlab/launcher-extension'),
  import('@jupyterlab/mainmenu-extension'),
  import('@jupyterlab/markdownviewer-extension'),
  import('@jupyterlab/mathjax2-extension'),
  import('@jupyterlab/notebook-extension'),
  import('@jupyterlab/rendermime-extension'),
  import('@jupyterlab/running-extension'),
  import('@jupyterlab/settingeditor-extension'),
  import('@jupyterlab/shortcuts-extension'),
  import('@jupyterlab/statusbar-extension'),
  import('@jupyterlab/theme-dark-extension'),
  import('@jupyterlab/theme-light-extension'),
  import('@jupyterlab/toc-extension'),
  import('@jupyterlab/tooltip-extension'),
  import('@jupyterlab/translation-extension'),
  import('@jupyterlab/ui-components-extension')
];

const mimeExtensions = [
  import('@jupyterlab/json-extension'),
  import('@jupyterlab/pdf-extension')
];

window.addEventListener('load', async function () {
  await styles;
  const lab = new JupyterLab({
    mimeExtensions: await Promise.all(mimeExtensions)
  });
  // Plugins left out: the news announcements ask the internet whether to
  // show Jupyter's news, which a course's students need not be asked.
  const disabled = new Set(['@jupyterlab/apputils-extension:announcements']);
  const modules = (await Promise.all(extensions)).map(m =>
    Array.isArray(m.default) ? { __esModule: true, default: m.default.filter(p => !disabled.has(p.id)) } : m);
  lab.registerPluginModules(modules);
  await lab.start();
  await lab.restored;
  window.gilgoLab = lab; // for the browser test (e2e/browser/lab-e2e.js)
  console.log('gilgo lab started');
});
