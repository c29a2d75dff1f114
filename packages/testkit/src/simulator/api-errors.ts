/**
 * Error bodies in Periskope's shape: `{ code, message }`, plus `name`, `status` and `fields` for
 * validation errors (reference §4). Codes other than UNAUTHORIZED_ERROR and VALIDATION_ERROR are
 * the simulator's guesses; clients must not depend on them.
 */
export interface ApiErrorBody {
  code: string;
  message: string;
  [extra: string]: unknown;
}

export const PLAN_INACTIVE_MESSAGE = "APIs available only for active pro and enterprise plans.";

export function unauthorized(message: string): ApiErrorBody {
  return { code: "UNAUTHORIZED_ERROR", message };
}

export function notFound(message: string): ApiErrorBody {
  return { code: "NOT_FOUND_ERROR", message };
}

/** Field-level validation error, e.g. for `limit=5000` — the exact body of reference §3. */
export function validationError(field: string, message: string, value: string): ApiErrorBody {
  return { code: "VALIDATION_ERROR", name: "Validation Error", status: 422, message, fields: { [field]: { message, value } } };
}

export function rateLimited(): ApiErrorBody {
  return { code: "RATE_LIMIT_ERROR", message: "Too many requests" };
}
