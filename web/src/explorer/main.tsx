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
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { EXAMPLE_TABS } from './examples';

const origin = location.origin;
const socket = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
const fetcher = createGraphiQLFetcher({ url: `${origin}/graphql`, subscriptionUrl: socket });
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
