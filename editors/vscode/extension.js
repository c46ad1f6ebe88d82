// extension.js: the vouch extension for VS Code (docs/editors.md). The
// grammar (syntaxes/) colours .vouch files; this file starts the language
// server, `vouch lsp`, over stdio for them: diagnostics as you type,
// hover, go to definition, completion and formatting all come from it.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('vouch');
  const command = config.get('path') || 'vouch';
  const env = Object.assign({}, process.env);
  const searchPath = config.get('searchPath');
  if (searchPath) {
    env.VOUCH_PATH = searchPath;
  }
  const run = { command, args: ['lsp'], transport: TransportKind.stdio, options: { env } };
  client = new LanguageClient(
    'vouch',
    'vouch language server',
    { run, debug: run },
    { documentSelector: [{ scheme: 'file', language: 'vouch' }, { scheme: 'untitled', language: 'vouch' }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
