/** HTTP calls to an API under test, wherever it runs: in the test's process (Lab) or as a child process (ApiProcess). */
export interface LabClient {
  url: string;
  get<T = unknown>(path: string): Promise<{ status: number; body: T; headers: Headers }>;
  send<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
}

/** A client of the API at `base` (e.g. http://127.0.0.1:8000); bodies are JSON both ways; `defaults` go with every request. */
export function labClient(base: string, defaults: Record<string, string> = {}): LabClient {
  return {
    url: base,
    async get<T>(path: string) {
      const res = await fetch(base + path, { headers: defaults });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
    },
    async send<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
      const headers = { ...defaults, ...extra };
      const res = await fetch(base + path, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
  };
}
