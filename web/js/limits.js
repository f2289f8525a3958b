// What the API accepts, mirrored so the browser can refuse obviously wrong files before
// uploading a byte. tests/unit/web/test_limits_mirror.py keeps these equal to the server's.

export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const MAX_UPLOAD_BYTES = 52428800;
export const MAX_TITLE_CHARS = 200;
export const MAX_QUERY_CHARS = 256;
export const MAX_DESCRIPTION_CHARS = 2000;

/** The API's own refusal of a search this long (never cut short silently), or null. */
export function queryRefusal(text) {
  if (text.length <= MAX_QUERY_CHARS) return null;
  return `A search can be at most ${MAX_QUERY_CHARS} characters long; this one has ${text.length}.`;
}

/** The API's own message for a file it would refuse, or null when the file looks fine. */
export function refusal(file) {
  if (!ACCEPTED_TYPES.includes(file.type)) {
    return { code: 'unsupported_type', message: 'Only JPEG, PNG and WebP photos can be uploaded.' };
  }
  if (file.size <= 0) {
    return { code: 'invalid_size', message: 'The file is empty.' };
  }
  if (file.size > MAX_UPLOAD_BYTES) {
    return { code: 'too_large', message: `Files may be at most ${MAX_UPLOAD_BYTES / 1048576} MB.` };
  }
  return null;
}

/** Plain words for each reason an upload can end rejected or failed. */
export const REASONS = {
  not_an_image: 'This file is not an image we can read.',
  unsupported_format: 'This image format is not supported. Upload a JPEG, PNG or WebP photo.',
  too_large: 'The file is larger than 50 MB.',
  too_many_pixels: 'The image has too many pixels (at most 100 megapixels, 30,000 px a side).',
  corrupt_image: 'The file is damaged or incomplete.',
  animated_not_supported: 'Animated images are not supported. Upload a still photo.',
  upload_missing: 'The uploaded file was gone before we could read it. Please upload it again.',
  processing_error: 'Something went wrong while processing this photo. Please try again.',
  processing_timeout: 'Processing took too long. Please try again.',
  moderation: 'Not accepted by a moderator.',
  duplicate: 'You already uploaded this photo.',
};

/** A reason code in plain words. */
export function explain(reason) {
  return REASONS[reason] || `Not accepted (${reason || 'unknown reason'}).`;
}
