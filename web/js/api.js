// The service's JSON API. Errors arrive as {"error": {"code", "message"}} and become ApiError.

import { accessToken, currentUser, renewAfterRejection } from './auth.js';
import { getConfig } from './config.js';

/** An error the API answered with (or a network failure, code "network"). */
export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter; // seconds, when the service said when to try again (429)
  }
}

async function send(path, { method = 'GET', body, signal } = {}) {
  const headers = {};
  const token = await accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(`${getConfig().apiBase}${path}`, {
      method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'Cannot reach the service. Check your connection.');
  }
}

/** Call the API; resolves to the parsed body (null for 204), rejects with ApiError. */
export async function api(path, options = {}) {
  let response = await send(path, options);
  // A token refused before its time (revoked, clock skew): refresh once and try again.
  if (response.status === 401 && currentUser() && (await renewAfterRejection())) {
    response = await send(path, options);
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data?.error || {};
    throw new ApiError(response.status, error.code || `http_${response.status}`,
      error.message || `The service answered HTTP ${response.status}.`,
      error.retry_after || Number(response.headers.get('Retry-After')) || null);
  }
  return data;
}

/** A query string from an object, leaving out empty values. */
export function queryString(params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') query.set(key, value);
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}
