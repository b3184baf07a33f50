/** The inbox's entry: one Apollo Client for the page, then the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApolloProvider } from '@apollo/client/react';
import { App } from './App';
import { savedApiKey } from './auth';
import { createInboxClient } from './client';
import './styles.css';

const client = createInboxClient(savedApiKey());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client.apollo}>
      <App socket={client.socket} />
    </ApolloProvider>
  </StrictMode>,
);
