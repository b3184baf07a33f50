/**
 * The offline explorer: GraphiQL from this installation (its Monaco editor and workers bundled by Vite), queries
 * and mutations over HTTP and subscriptions over graphql-ws on this page's own host. The gateway serves it at
 * `GET /graphql` in development.
 */
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './explorer.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { parse, type DocumentNode } from 'graphql';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { EXAMPLE_TABS } from './examples';

const origin = location.origin;
const socket = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
const toolkitFetcher = createGraphiQLFetcher({ url: `${origin}/graphql`, subscriptionUrl: socket });

/**
 * Right after a tab switch GraphiQL can hand over the previous tab's `operationName` and parsed document with the
 * new tab's text, and the toolkit picks HTTP or the socket from those: a subscription went out over HTTP (400).
 * The text is what runs, so the name and the document are taken from it.
 */
const fetcher: Fetcher = (params, options) => {
  let document: DocumentNode;
  try {
    document = parse(params.query);
  } catch {
    return toolkitFetcher(params, options); // the gateway explains the syntax error
  }
  const names = document.definitions.flatMap((definition) => (definition.kind === 'OperationDefinition' ? [definition.name?.value] : []));
  const known = typeof params.operationName === 'string' && names.includes(params.operationName);
  const operationName = known ? params.operationName : names.length === 1 ? (names[0] ?? null) : params.operationName;
  return toolkitFetcher({ ...params, operationName }, { ...options, documentAST: document });
};
const sandbox = `https://studio.apollographql.com/sandbox/explorer?endpoint=${encodeURIComponent(`${origin}/graphql`)}`;

function Explorer() {
  return (
    <div className="explorer">
      <header className="explorer-bar">
        <strong>Twilio Messaging gateway</strong>
        <span>GraphQL explorer, served by this gateway (works offline)</span>
        <a href="/">Inbox</a>
        <a href={sandbox} target="_blank" rel="noreferrer noopener">
          Open in Apollo Sandbox ↗ <small>(needs internet)</small>
        </a>
      </header>
      <div className="explorer-ide">
        <GraphiQL fetcher={fetcher} defaultTabs={[...EXAMPLE_TABS]} defaultEditorToolsVisibility="variables" />
      </div>
    </div>
  );
}

createRoot(document.getElementById('explorer')!).render(
  <StrictMode>
    <Explorer />
  </StrictMode>,
);
