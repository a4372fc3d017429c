// Server settings, fixed at start by scripts/serve.mjs (flags) or the environment.
export interface ServerConfig {
  host: string;
  port: number;
  readOnly: boolean;
  /** required on mutations when set (always set when bound beyond loopback) */
  token: string | null;
  auditLog: string;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: env.LINKSCAPE_HOST ?? env.HOST ?? '127.0.0.1',
    port: Number(env.LINKSCAPE_PORT ?? env.PORT ?? 3000),
    readOnly: env.LINKSCAPE_READ_ONLY === '1',
    token: env.LINKSCAPE_TOKEN || null,
    auditLog: env.LINKSCAPE_AUDIT_LOG ?? '/var/log/linkscape/audit.jsonl',
  };
}
