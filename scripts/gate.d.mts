// Types for gate.mjs (plain JS so serve.mjs runs under plain node).
export const GATE_SECRET_KEY: unique symbol;
export const LOOPBACK_NAMES: string[];
export interface Allowed {
  names: string[];
  origins: Map<string, Set<number>>;
}
export function hostnameOf(value: unknown): string | null;
export function isLoopbackAddress(host: string): boolean;
export function isWildcard(host: string): boolean;
export function allowedHosts(o: {
  bind: string;
  port: number;
  extra?: string[];
  machine?: { hostname: string | null; fqdn: string | null; addresses: string[] };
}): Allowed;
export function hostProblem(hostHeader: string | undefined, allowed: Allowed): string | null;
export function originProblem(origin: string, allowed: Allowed): string | null;
export function tokenMatches(given: unknown, token: string | null): boolean;
export function cookieName(port: number): string;
export function readCookie(header: string | undefined, name: string): string | null;
export function requestToken(headers: Record<string, string | string[] | undefined>, port: number): string | null;
export function peerAddress(socket: { remoteAddress?: string } | undefined): string;
export function loginPage(tokenFile: string | null, wrong: boolean): string;
export interface Refusal {
  peer: string;
  forwardedFor: string | null;
  method: string;
  path: string;
  reason: string;
  refused: string;
}
/** what the gate reads of a request (node's IncomingMessage, or a test's stand-in) */
export interface GateRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  socket?: { remoteAddress?: string };
}
/** what the gate writes to a response (node's ServerResponse, or a test's stand-in) */
export interface GateResponse {
  setHeader(name: string, value: string): unknown;
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body?: string): unknown;
  once(event: 'close', listener: () => void): unknown;
}
export function createGate(o: {
  port: number;
  allowed: Allowed;
  token: string | null;
  tokenFile: string | null;
  trustProxy: boolean;
  maxBody: number;
  maxOpen: number;
  secret: string;
  onRefused?: (r: Refusal) => void;
}): (req: GateRequest, res: GateResponse) => boolean;
