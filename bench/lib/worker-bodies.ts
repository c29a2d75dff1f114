/**
 * The worker benchmark's input: N realistic `message.created` webhook bodies (~1.6 KB each, the
 * test kit's generator) spread round-robin over the given chats, as the raw bytes the ingress
 * would publish.
 */
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";

export interface BenchChat {
  readonly chatId: string;
  readonly orgPhone: string;
}

export function workerBenchBodies(count: number, chats: readonly BenchChat[], seed: string): string[] {
  const bodies = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const chat = chats[i % chats.length]!;
    bodies[i] = toRawBody(messageCreated({ seed, index: i, chatId: chat.chatId, orgPhone: chat.orgPhone }));
  }
  return bodies;
}
