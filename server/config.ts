// Server settings, fixed at start by scripts/serve.mjs (flags) or the environment.
export interface ServerConfig {
  host: string;
  port: number;
  readOnly: boolean;
  /** 'token': the gate (scripts/gate.mjs) let only requests with the token through; 'none': --no-auth */
  auth: 'token' | 'none';
  /** X-Forwarded-For is recorded (beside the peer) only with --trust-proxy */
  trustProxy: boolean;
  auditLog: string;
  /** the plan journal: a plan a crash interrupted is rolled back from it at the next start */
  journal: string;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: env.LINKSCAPE_HOST ?? env.HOST ?? '127.0.0.1',
    port: Number(env.LINKSCAPE_PORT ?? env.PORT ?? 3000),
    readOnly: env.LINKSCAPE_READ_ONLY === '1',
    auth: env.LINKSCAPE_AUTH === 'none' ? 'none' : 'token',
    trustProxy: env.LINKSCAPE_TRUST_PROXY === '1',
    auditLog: env.LINKSCAPE_AUDIT_LOG ?? '/var/log/linkscape/audit.jsonl',
    journal: env.LINKSCAPE_JOURNAL ?? '/run/linkscape/journal.jsonl',
  };
}
