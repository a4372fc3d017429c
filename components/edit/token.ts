// The access token: taken once from the page URL (?token=…, as the server prints it), kept in
// sessionStorage for this tab, and stripped from the address bar so it is not bookmarked or shared.
const KEY = 'linkscape.token';
let cached: string | null | undefined;

function take(): string | null {
  if (typeof window === 'undefined') return null;
  try {
    const u = new URL(window.location.href);
    const fromUrl = u.searchParams.get('token');
    if (fromUrl) {
      window.sessionStorage.setItem(KEY, fromUrl);
      u.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', `${u.pathname}${u.search}${u.hash}`);
    }
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: requests go without a token and the server says what is missing
  }
}

/** the token for this tab, or null */
export function authToken(): string | null {
  if (cached === undefined || (cached === null && typeof window !== 'undefined')) cached = take();
  return cached;
}
