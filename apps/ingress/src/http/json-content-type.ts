/**
 * Is a `content-type` JSON we can read? `application/json` or a `+json` type (RFC 6839), with no
 * charset or UTF-8 (RFC 8259 §8.1: JSON between systems is UTF-8).
 */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  // What Periskope sends; checked first because it is nearly every request.
  if (value === "application/json") return true;
  const [mediaType = "", ...parameters] = value.toLowerCase().split(";");
  const type = mediaType.trim();
  if (type !== "application/json" && !(type.startsWith("application/") && type.endsWith("+json"))) return false;
  for (const parameter of parameters) {
    const [name = "", charset = ""] = parameter.split("=").map((part) => part.trim().replace(/^"(.*)"$/, "$1"));
    if (name === "charset" && charset !== "utf-8" && charset !== "utf8") return false;
  }
  return true;
}
