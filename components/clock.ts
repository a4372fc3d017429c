// Pure: a time of day as HH:MM:SS (local time). Not toLocaleTimeString: its first call loads the
// locale's date formats, a long task on the page's first render of a big host.
export function clockTime(at: string | number | Date): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
