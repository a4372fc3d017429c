// Pure: a time of day as HH:MM:SS (local time). Not toLocaleTimeString: its first call loads the
// locale's date formats, a long task on the page's first render of a big host.
export function clockTime(at: string | number | Date): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** a date and time as YYYY-MM-DD HH:MM:SS (local time): the one format of the page's dates */
export function dateTime(at: string | number | Date): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clockTime(d)}`;
}
