// Light, dark, or whatever the system prefers (the default). The choice is a display preference,
// kept in localStorage; it is the only thing the console stores besides the session.

export type Theme = 'system' | 'light' | 'dark';

const KEY = 'trove.console.theme';

export function loadTheme(): Theme {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') {
    delete document.documentElement.dataset['theme'];
    localStorage.removeItem(KEY);
  } else {
    document.documentElement.dataset['theme'] = theme;
    localStorage.setItem(KEY, theme);
  }
}

export function nextTheme(theme: Theme): Theme {
  return theme === 'system' ? 'dark' : theme === 'dark' ? 'light' : 'system';
}
