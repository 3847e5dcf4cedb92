import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getServices } from './services';
import { useStore } from '../state/store';
import './styles.css';

// A small handle for the browser tests and for poking at the app from the devtools console.
Object.assign(window, { __pes: { store: useStore, services: getServices } });

const el = document.getElementById('root');
if (!el) throw new Error('index.html has no #root element');
createRoot(el).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
