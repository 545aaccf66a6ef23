import type { ReactNode } from 'react';
import { useState } from 'react';
import { regionChoices } from '../lib/regions.js';
import { href, Link, useRoute } from '../lib/router.js';
import type { Session } from '../lib/session.js';
import { applyTheme, loadTheme, nextTheme } from './theme.js';
import type { Theme } from './theme.js';

const THEME_NAMES: Record<Theme, string> = { system: 'System theme', dark: 'Dark theme', light: 'Light theme' };

export function Layout({ session, onSignOut, onRegion, children }: { session: Session; onSignOut: () => void; onRegion: (region: string) => void; children: ReactNode }) {
  const [theme, setTheme] = useState<Theme>(loadTheme);
  // Every page but the jobs belongs to a dataset.
  const section = useRoute().path === '/jobs' ? 'jobs' : 'datasets';
  const cycle = () => {
    const next = nextTheme(theme);
    applyTheme(next);
    setTheme(next);
  };
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="top-bar">
        <Link to={href('/')} className="brand">Trove</Link>
        <nav aria-label="Sections">
          <Link to={href('/', {})} aria-current={section === 'datasets' ? 'page' : undefined}>Datasets</Link>
          <Link to={href('/jobs')} aria-current={section === 'jobs' ? 'page' : undefined}>Jobs</Link>
        </nav>
        <div className="top-bar-end">
          <span className="who" title="Signed-in access key">{session.accessKeyId}</span>
          <label className="region-switch">
            <span className="visually-hidden">Region</span>
            <select value={session.region} onChange={(e) => onRegion(e.target.value)} aria-label="Region" title="Datasets belong to the region they were created in">
              {regionChoices(session.region).map(([code, name]) => <option key={code} value={code}>{code === name ? code : `${code} · ${name}`}</option>)}
            </select>
          </label>
          <button type="button" onClick={cycle} aria-label={`${THEME_NAMES[theme]} (change theme)`}>
            {THEME_NAMES[theme]}
          </button>
          <button type="button" onClick={onSignOut}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
