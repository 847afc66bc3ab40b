#!/usr/bin/env node
// `npx vanguard-verify bundle.tgz` from the repository: runs the TypeScript verifier through
// @swc-node/register, as the npm scripts run TypeScript. It loads only node: modules and this
// lib's own files — no database driver, no network.
'use strict';
const { join } = require('node:path');
process.env.TS_NODE_PROJECT ??= join(__dirname, '..', '..', '..', 'tsconfig.json');
require('@swc-node/register');
require('../src/cli/vanguard-verify.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
