/**
 * Progress lines for humans on stderr. The stack runs inside test runners and `npm start`,
 * whose stdout belongs to their own reporters, so progress never goes to stdout.
 */
export function logStack(message: string): void {
  process.stderr.write(`[stack] ${message}\n`);
}
