import { errorMessage } from '@rrl/contracts';

/** A lab's HTTP API as the runner calls it: JSON bodies, the operator token on every request. */
export class LabHttpClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | null,
  ) {}

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new Error(`${method} ${path}: ${errorMessage(e)}`, { cause: e });
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // a non-JSON body (a health endpoint's text) is kept as text
    }
    return { status: res.status, body: parsed as T };
  }

  /** A call that must succeed (2xx); the error names the route and the API's own message. */
  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status >= 300) {
      const message = (res.body as { message?: unknown } | null)?.message;
      throw new Error(`${method} ${path} answered ${res.status}${message ? `: ${JSON.stringify(message)}` : ''}`);
    }
    return res.body;
  }
}
