/**
 * An HTTP error that renders itself (Hono's `HTTPException.getResponse()` habit): routes throw it,
 * `app.onError` answers with `{ error: { code, message } }` and the status it carries.
 *
 * @example
 * throw new ApiError(404, "command_not_found", `no command ${id}`);
 */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 502 | 503 | 504;

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: ErrorStatus;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: ErrorStatus, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  getResponse(): Response {
    return new Response(JSON.stringify(errorBody(this.code, this.message)), {
      status: this.status,
      headers: { "content-type": "application/json", ...this.headers },
    });
  }
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
