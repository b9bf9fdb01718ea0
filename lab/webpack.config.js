// webpack builds gilgo's JupyterLab into build/: bundle.js from index.js,
// plus, through @jupyterlab/builder's Build.ensureAssets, the schemas,
// themes and styles of every extension package.json lists.
const webpack = require('webpack');
const { Build } = require('@jupyterlab/builder');
const crypto = require('crypto');
const pkg = require('./package.json');

// Some loaders hash with md4, which OpenSSL 3 refuses.
const createHash = crypto.createHash;
crypto.createHash = alg => createHash(alg === 'md4' ? 'sha256' : alg);

const fontRule = (ext, mime) => ({
  test: new RegExp(`\\.${ext}(\\?v=\\d+\\.\\d+\\.\\d+)?$`),
  use: mime ? `url-loader?limit=10000&mimetype=${mime}` : 'file-loader'
});

const app = {
  entry: ['whatwg-fetch', './index.js'],
  output: { path: `${__dirname}/build`, filename: 'bundle.js' },
  bail: true,
  devtool: false,
  mode: 'development',
  module: {
    rules: [
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.html$/, use: 'file-loader' },
      { test: /\.md$/, use: 'raw-loader' },
      { test: /\.(jpg|png|gif)$/, use: 'file-loader' },
      { test: /\.js.map$/, use: 'file-loader' },
      fontRule('woff2', 'application/font-woff'),
      fontRule('woff', 'application/font-woff'),
      fontRule('ttf', 'application/octet-stream'),
      fontRule('eot'),
      // SVG: a data URI in CSS, a raw string in JavaScript.
      {
        test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
        issuer: /\.css$/,
        use: { loader: 'svg-url-loader', options: { encoding: 'none', limit: 10000 } }
      },
      { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, use: { loader: 'raw-loader' } }
    ]
  },
  plugins: [
    new webpack.DefinePlugin({
      // Blueprint reads process.env; the path polyfill calls process.cwd().
      'process.env': '{}',
      process: { cwd: () => '/' }
    })
  ]
};

module.exports = [app].concat(
  Build.ensureAssets({ packageNames: pkg.jupyterlab.extensions, output: './build', hashFunction: 'sha256' })
);
