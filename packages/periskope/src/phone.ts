/**
 * The `x-phone` header value: country code plus number, digits only (reference §1).
 *
 * Events carry the org phone as `<digits>@c.us` and people write `+44 7700 900123`; both are
 * accepted and reduced to digits, so callers can pass `data.org_phone` straight through. Phone ids
 * of the form `phone-xxxxxxxxxxxx` are also valid header values and pass unchanged.
 */
export function toPhoneHeader(phone: string): string {
  const trimmed = phone.trim();
  if (trimmed.startsWith("phone-")) return trimmed;
  return trimmed.replace(/@c\.us$/, "").replace(/[\s+\-()]/g, "");
}
