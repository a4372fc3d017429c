// Types for options.mjs.
export const USAGE: string;
export class UsageError extends Error {}
export interface ServeOptions {
  help: boolean;
  dev: boolean;
  host: string;
  port: number;
  readOnly: boolean;
  token: string | null;
  tokenFile: string;
  tokenFileGiven: boolean;
  noAuth: boolean;
  allowHosts: string[];
  trustProxy: boolean;
  maxBody: number;
  maxStreams: number;
  dockerSocket: string | null;
  /** --podman-root, --podman-runroot, --podman-network-dir when given */
  podman: { root?: string; runRoot?: string; networkDir?: string };
}
export function parseServeArgs(argv: string[], env?: Record<string, string | undefined>): ServeOptions;
export function settleToken(o: ServeOptions): {
  token: string;
  source: 'given' | 'file' | 'generated';
  ownsFile: boolean;
};
