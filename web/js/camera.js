// The camera facts the API read from a photo's EXIF, as one short line:
// "Canon EOS 5D Mark IV · EF24-70mm f/2.8L II USM · 50 mm · f/2.8 · 1/200 s · ISO 400 · taken 12 May 2024".

/** The day a photo was taken, from the camera's own clock: its date as written, never shifted
 *  into the viewer's timezone ("" when there is none). */
export function takenDay(takenAt) {
  const found = /^(\d{4})-(\d{2})-(\d{2})/.exec(takenAt || '');
  if (!found) return '';
  const day = new Date(Date.UTC(Number(found[1]), Number(found[2]) - 1, Number(found[3])));
  if (Number.isNaN(day.getTime())) return '';
  return day.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

function number(value) {
  return Number.isFinite(value) ? String(Math.round(value * 10) / 10) : '';
}

/** The camera's name (what the camera filter searches for), "" when EXIF named none. */
export function cameraName(camera) {
  return (camera && (camera.model || camera.make)) || '';
}

/** The facts after the name, in reading order, each a short string; missing ones left out. */
export function cameraFacts(camera) {
  if (!camera) return [];
  const day = takenDay(camera.taken_at);
  return [
    camera.lens || '',
    number(camera.focal_mm) ? `${number(camera.focal_mm)} mm` : '',
    number(camera.f_number) ? `f/${number(camera.f_number)}` : '',
    camera.exposure ? `${camera.exposure} s` : '',
    Number.isInteger(camera.iso) ? `ISO ${camera.iso}` : '',
    day ? `taken ${day}` : '',
  ].filter(Boolean);
}
