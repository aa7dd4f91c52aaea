/** A tiny JSON client for the benchmarks' local stack: status, headers and parsed body of one call. */
export function apiClient(baseUrl: string) {
  return async function call(
    method: string,
    path: string,
    token?: string,
    json?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; res: Response; body: Record<string, unknown> }> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(json ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: json ? JSON.stringify(json) : null,
    });
    const text = await res.text();
    return { status: res.status, res, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
}
