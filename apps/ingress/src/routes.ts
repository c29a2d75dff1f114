/** The webhook's path, named once: the app, metrics and tests refer to it. */
export const WEBHOOK_ROUTE = "/periskopewebhook";
