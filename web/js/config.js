// The deployment's settings, read once at start-up from /config.json (written by the local
// stack or by the deploy), so the same static files run anywhere.

let config = null;

/** Fetch /config.json once. */
export async function loadConfig() {
  const response = await fetch('/config.json', { cache: 'no-cache' });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  config = await response.json();
  return config;
}

/** The loaded configuration. */
export function getConfig() {
  if (!config) throw new Error('config.json is not loaded yet');
  return config;
}
