/**
 * Message text that reads like business WhatsApp traffic: logistics and support chatter in
 * English, Hinglish and Portuguese, with emoji, order numbers and the odd link — the mix search
 * and analyzers meet in production. Length is drawn from a skewed distribution (most messages are
 * short, some are long paragraphs) unless the caller asks for one.
 */
import { CITIES, FIRST_NAMES } from "../simulator/names.ts";
import { between, pick, type Random } from "../simulator/seeded-random.ts";

const SENTENCES: readonly ((r: Random) => string)[] = [
  (r) => `Shipment ${between(r, 1000, 9999)} is delayed until ${pick(r, DAYS)}.`,
  (r) => `Can you share the invoice for order #${between(r, 10000, 99999)}?`,
  (r) => `Driver reached the ${pick(r, CITIES)} hub, ETA ${between(r, 5, 90)} mins.`,
  (r) => `Please confirm the pickup slot for tomorrow ${between(r, 9, 18)}:00.`,
  (r) => `${pick(r, FIRST_NAMES)} will call you back in ${between(r, 2, 30)} minutes 🙏`,
  (r) => `Payment of ₹${between(r, 500, 90000).toLocaleString("en-IN")} received, thank you!`,
  (r) => `Bhai, payment ho gaya? Order ${between(r, 100, 999)} abhi tak dispatch nahi hua.`,
  (r) => `Bom dia! O pedido ${between(r, 1000, 9999)} já saiu para entrega 🚚`,
  (r) => `Tracking link: https://track.example.com/${between(r, 100000, 999999)}`,
  (r) => `Noted 👍 We will update the ticket once the warehouse confirms stock.`,
  (r) => `The customer in ${pick(r, CITIES)} is asking for a refund on ${between(r, 2, 9)} damaged items.`,
  (r) => `Reminder: stock audit at ${pick(r, CITIES)} on ${pick(r, DAYS)}, please keep the counts ready.`,
];

/** Replies that stand alone; they are never glued into longer texts. */
const SHORT_REPLIES = ["Ok", "Thanks!", "Sure, checking now.", "👍", "Noted", "Done ✅", "Call me", "Ji, ho gaya"] as const;

const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** Roughly `length` characters of text (never cut mid-sentence by more than one sentence). */
export function messageText(random: Random, length?: number): string {
  const target = length ?? skewedLength(random);
  if (target <= 20) return pick(random, SHORT_REPLIES);
  let text = pick(random, SENTENCES)(random);
  while (text.length < target) text += ` ${pick(random, SENTENCES)(random)}`;
  return text;
}

/** 20% one-word replies, 40% one sentence, 30% a few sentences, 10% a paragraph up to ~1 KB. */
function skewedLength(random: Random): number {
  const r = random();
  if (r < 0.2) return between(random, 1, 20);
  if (r < 0.6) return between(random, 21, 80);
  if (r < 0.9) return between(random, 120, 400);
  return between(random, 600, 1000);
}
