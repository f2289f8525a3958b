// Sending a file straight to storage with its presigned POST. XMLHttpRequest, because only it
// reports upload progress; the caller may abort it (Cancel).

import { api } from './api.js';

/** Start sending `file` with `grant` ({url, fields}): {done: Promise, abort()}. */
export function sendToStorage(grant, file, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
    form.append('file', file); // storage reads fields in order: the file must come last
    xhr.open('POST', grant.url);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new Error(`Storage refused the file (HTTP ${xhr.status}).`));
    });
    xhr.addEventListener('error', () => reject(new Error('The upload was interrupted. Check your connection and retry.')));
    xhr.addEventListener('abort', () => reject(Object.assign(new Error('Upload cancelled.'), { cancelled: true })));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/** Ask for an upload grant: {image_id, upload: {url, fields}}. */
export function requestGrant(file, details) {
  return api('/uploads', { method: 'POST', body: {
    filename: file.name, content_type: file.type, size: file.size, ...details,
  } });
}

/** Withdraw a grant whose bytes never arrived (the pending image goes, its quota place frees). */
export function withdrawGrant(imageId) {
  return api(`/images/${encodeURIComponent(imageId)}`, { method: 'DELETE' });
}

/** "beach, sunset" -> ['beach', 'sunset']. */
export function tagList(text) {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}
